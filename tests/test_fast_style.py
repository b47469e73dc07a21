"""The store's ONNX style networks: shapes, range, determinism, strength and colour preservation."""
import numpy as np
import pytest
from skimage import data

from models.style_transfer import fast as fast_style


@pytest.fixture(scope="module")
def photo():
    return np.ascontiguousarray(data.astronaut()[::5, ::5][:97, :83])  # odd sides: padding must be undone


def test_builtin_styles_keep_the_size_and_differ_from_each_other(photo):
    a = fast_style.stylise(photo, fast_style.style_weights({19: 1}))
    assert a.shape == photo.shape and a.dtype == np.uint8
    assert np.array_equal(a, fast_style.stylise(photo, fast_style.style_weights({19: 1})))  # deterministic
    b = fast_style.stylise(photo, fast_style.style_weights({3: 1}))
    assert np.abs(a.astype(int) - b).mean() > 10 and np.abs(a.astype(int) - photo).mean() > 10
    mixed = fast_style.stylise(photo, fast_style.style_weights({19: 1, 3: 1}))
    assert 0 < np.abs(mixed.astype(int) - a).mean() < np.abs(b.astype(int) - a).mean()  # between the two


def test_style_weights_are_normalised_and_checked():
    w = fast_style.style_weights({2: 1, 5: 3})
    assert w.shape == (26,) and w[2] == pytest.approx(0.25) and w[5] == pytest.approx(0.75)
    for bad, msg in (({26: 1}, "0 to 25"), ({1: -1}, "≥ 0"), ({1: 0}, "at least one"), ({1: float("nan")}, "≥ 0")):
        with pytest.raises(ValueError, match=msg):
            fast_style.style_weights(bad)


def test_strength_zero_is_the_photo_and_one_is_the_style(photo):
    styled = fast_style.stylise(photo, fast_style.style_weights({7: 1}))
    assert np.array_equal(fast_style.mix(styled, photo, 0.0), photo)
    assert np.array_equal(fast_style.mix(styled, photo, 1.0), styled)
    half = fast_style.mix(styled, photo, 0.5).astype(int)
    assert np.abs(half - (styled.astype(int) + photo) / 2).max() <= 1


def test_keeping_colours_keeps_the_photos_chroma_and_the_styles_brightness(photo):
    styled = fast_style.stylise(photo, fast_style.style_weights({3: 1}))
    kept = fast_style.keep_colours(styled, photo)
    ycc_kept, ycc_photo, ycc_styled = (fast_style.to_ycbcr(x) for x in (kept, photo, styled))
    chroma_error = np.abs(ycc_kept[..., 1:] - ycc_photo[..., 1:]).max(-1)
    exact = chroma_error <= 1  # the rest left the RGB gamut (a saturated colour at a luma it cannot have)
    assert exact.mean() > 0.75
    assert np.abs(ycc_kept[..., 0] - ycc_styled[..., 0])[exact].max() <= 2  # uint8 rounding of R, G, B
    assert np.median(np.abs(ycc_styled[..., 1:] - ycc_photo[..., 1:]).max(-1)) > 10  # the style did recolour
    rgb = np.random.default_rng(0).integers(0, 256, (8, 8, 3)).astype(np.uint8)
    assert np.abs(fast_style.from_ycbcr(fast_style.to_ycbcr(rgb)).astype(int) - rgb).max() <= 1


def test_any_picture_gives_a_100_number_style_that_paints_the_photo(photo):
    painting = data.coffee()
    v = fast_style.style_vector(painting)
    assert v.shape == (100,) and np.isfinite(v).all() and np.array_equal(v, fast_style.style_vector(painting))
    w = fast_style.style_vector(data.hubble_deep_field())
    assert np.abs(v - w).mean() > 0.1  # different pictures, different styles
    out = fast_style.transform(photo, v)
    assert out.shape == photo.shape and out.dtype == np.uint8
    assert np.array_equal(out, fast_style.transform(photo, v))
    assert np.abs(out.astype(int) - fast_style.transform(photo, w)).mean() > 5
