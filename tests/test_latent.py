"""Latent vectors from seeds and the ways to move between them."""
import pytest
import torch

from models.faces import latent


def test_parse_seeds_reads_lists_and_ranges_and_refuses_the_rest():
    assert latent.parse_seeds("3, 7  10-12;4") == [3, 7, 10, 11, 12, 4]
    for bad, msg in (("", "at least one"), ("3, x", "not a seed"), ("-4", "not a seed"), ("9-2", "backwards"),
                     ("1.5", "not a seed"), (str(2**31), "up to"), ("0-99", "at most 64")):
        with pytest.raises(ValueError, match=msg):
            latent.parse_seeds(bad)


def test_a_seed_always_gives_the_same_latent_and_truncation_scales_it():
    a = latent.from_seeds([5, 9])
    assert torch.equal(a, latent.from_seeds([5, 9]))
    assert torch.equal(a[1], latent.from_seeds([9])[0])  # independent of its neighbours
    assert not torch.equal(a[0], a[1])
    assert torch.allclose(latent.from_seeds([5], truncation=0.5)[0], 0.5 * a[0])
    assert 8 < float(a[0].norm()) < 12  # the 100-d Gaussian shell


def test_slerp_keeps_the_norm_where_lerp_dips():
    a, b = latent.from_seeds([1, 2])
    b = b / b.norm() * a.norm()
    t = torch.linspace(0, 1, 21)
    s = latent.slerp(a, b, t)
    assert torch.allclose(s.norm(dim=1), a.norm().expand(21), rtol=1e-5)
    assert torch.allclose(s[0], a, atol=1e-5) and torch.allclose(s[-1], b, atol=1e-5)
    assert float(latent.lerp(a, b, t).norm(dim=1)[10]) < 0.8 * float(a.norm())
    # unequal lengths: the length moves linearly from one to the other
    c = 2 * b
    assert torch.allclose(latent.slerp(a, c, t).norm(dim=1), (1 - t) * a.norm() + t * c.norm(), rtol=1e-5)
    assert torch.allclose(latent.slerp(a, a.clone(), t), a.expand(21, -1), atol=1e-5)  # parallel ends


def test_walk_starts_and_ends_on_the_keyframes_and_hits_every_key():
    keys = latent.from_seeds([3, 7, 11])
    for mode in latent.INTERPOLATIONS:
        w = latent.walk(keys, 9, mode)
        assert w.shape == (9, 100)
        assert torch.equal(w[0], keys[0]) and torch.equal(w[-1], keys[-1])
        assert torch.allclose(w[4], keys[1], atol=1e-5)
        assert (w[1:] - w[:-1]).norm(dim=1).max() < 0.5 * (keys[1] - keys[0]).norm()  # small steps
    with pytest.raises(ValueError, match="two keyframes"):
        latent.walk(keys[:1], 9)
    with pytest.raises(ValueError, match="interpolation"):
        latent.walk(keys, 9, "cubic")


def test_arithmetic_and_directions():
    a, b, c = latent.from_seeds([1, 2, 3])
    assert torch.allclose(latent.arithmetic(a, b, c), a - b + c)
    assert torch.allclose(latent.mean_latent(torch.stack([a, b])), (a + b) / 2)
    moved = latent.along(c, a - b, torch.tensor([0.0, 1.0, -2.0]))
    assert torch.equal(moved[0], c)
    assert torch.allclose((moved[1] - c).norm(), torch.tensor(10.0))  # one step = √nz
    assert torch.allclose(moved[2] - c, -2 * (moved[1] - c), atol=1e-5)
