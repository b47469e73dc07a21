"""The frame protocol's packed replies: what the page's unpack reads back is what the server packed."""
import json

import numpy as np
import pytest

from playground.lab.protocol import FrameRequest, Packer, pack, unpack


def test_a_packed_reply_reads_back_with_its_arrays_in_place_and_aligned():
    packer = Packer()
    fake = np.arange(7, dtype=np.float32).reshape(-1, 1)  # 28 bytes: the next blob must still start aligned
    heat = np.array([[0, 128], [255, 3]], dtype=np.uint8)
    header = {"iteration": 3, "view": {"fake": packer(fake), "heat": packer(heat, np.uint8)},
              "rows": [[1, None, 2.5]], "real": packer(np.ones((3, 2)))}
    data = packer.pack(header)
    n = int.from_bytes(data[:4], "little")
    assert (4 + n) % 4 == 0 and json.loads(data[4 : 4 + n])["iteration"] == 3
    back = unpack(data)
    assert back["iteration"] == 3 and back["rows"] == [[1, None, 2.5]]
    np.testing.assert_array_equal(back["view"]["fake"], fake.ravel())
    np.testing.assert_array_equal(back["view"]["heat"], heat.ravel())
    assert back["view"]["heat"].dtype == np.uint8 and back["real"].dtype == np.float32
    for ref in (header["view"]["fake"], header["view"]["heat"], header["real"]):
        assert ref["$blob"][0] % 4 == 0  # Float32Array views in the page need 4-byte offsets


def test_a_reply_without_arrays_is_its_header():
    assert unpack(pack({"busy": True})) == {"busy": True}


def test_the_request_says_which_layers_the_page_holds():
    assert FrameRequest.parse({"token": "t", "layers": 4}).layers == 4
    assert FrameRequest.parse({"token": "t"}).layers == -1
    with pytest.raises(ValueError, match="layers"):
        FrameRequest.parse({"token": "t", "layers": "all"})
