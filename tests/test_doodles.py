"""Draw together: the doodle recipe, the pool and its file, DiffAugment, the live GAN learning a drawn pool, and
the tab's handlers alone and in a class (no browser; the browser test is in test_browser.py)."""
import io
import zipfile

import gradio as gr
import numpy as np
import pytest
import torch

from models.doodles import data as doodles, diffaugment, nets as doodle_gan, shapes as doodle_shapes
from models.doodles.live import DoodleTrainer
from playground.pictures import doodles as doodle_frames
from playground.services.classes import Classes
from playground.services.doodle_pool import BURST, MAX_PER_PAGE, WINDOW_S, Drawing, Pool
from tests.conftest import ManualClock, Stepped
from toy2d.reasons import Refused


def square(x0, y0, side):
    return [[[x0, y0], [x0 + side, y0], [x0 + side, y0 + side], [x0, y0 + side], [x0, y0]]]


def kind(exc_info) -> str:
    return exc_info.value.reason.kind


def ink_box(picture: np.ndarray, threshold: float = 0.1) -> tuple[int, int, int, int]:
    """(top, left, bottom, right) of the ink in a read doodle, inclusive."""
    rows, cols = np.nonzero(picture > threshold)
    return int(rows.min()), int(cols.min()), int(rows.max()), int(cols.max())


def centre_of_ink(picture: np.ndarray) -> tuple[float, float]:
    ys, xs = np.indices(picture.shape)
    return float((ys * picture).sum() / picture.sum()), float((xs * picture).sum() / picture.sum())


# ---- the recipe ------------------------------------------------------------------------------------------------
def test_a_doodle_is_centred_and_scaled_whatever_its_place_and_size_on_the_pad():
    small = doodles.read(square(10, 200, 40))  # a small square in a corner
    big = doodles.read(square(60, 30, 200))  # a big one elsewhere
    assert small.shape == (28, 28) and small.dtype == np.float32 and 0 <= small.min() and small.max() <= 1
    assert np.abs(small - big).max() < 0.02  # the same picture
    top, left, bottom, right = ink_box(big)
    # the box's longer side is BOX (20) pixels between the pen's centres, plus the pen's width
    assert 20 <= bottom - top + 1 <= 24 and 20 <= right - left + 1 <= 24
    cy, cx = centre_of_ink(big)
    assert abs(cy - 13.5) < 0.3 and abs(cx - 13.5) < 0.3


def test_a_tall_doodle_fits_its_height_and_keeps_its_proportions():
    tall = doodles.read([[[100, 20], [100, 260]], [[90, 20], [130, 20]]])  # a T: 240 high, 40 wide
    top, left, bottom, right = ink_box(tall)
    assert 20 <= bottom - top + 1 <= 24 and right - left + 1 <= 8


@pytest.mark.parametrize("size", [30, 120, 260])
def test_the_pen_is_the_same_width_whatever_size_the_doodle_was_drawn(size):
    line = doodles.read([[[10, 100], [10 + size, 100]]])
    ink_per_column = line[:, 8:20].sum(0)  # across the middle of the line
    assert np.allclose(ink_per_column, doodles.PEN, atol=0.3)


def test_a_dot_is_a_dot_and_strokes_beyond_the_pad_are_fine():
    dot = doodles.read([[[5, 5]]])
    assert 3 <= dot.sum() <= 8 and ink_box(dot)[0] >= 12
    assert doodles.read([[[-500, -500], [900, 900]]]).max() > 0.9


@pytest.mark.parametrize("raw, why", [
    ([], "empty"), ([[]], "empty"), (None, "strokes"), ("strokes", "strokes"), ([[[1, "a"]]], "strokes"),
    ([[[1, 2, 3]]], "strokes"), ([[[float("nan"), 1]]], "strokes"), ([[[1e9, 1]]], "strokes"),
    ([[[0, 0]] * (doodles.MAX_POINTS + 1)], "points"), ([[[0, 0]]] * (doodles.MAX_STROKES + 1), "points"),
    ([{"x": 1}], "strokes")])
def test_bad_strokes_are_refused_with_a_reason(raw, why):
    with pytest.raises(Refused) as e:
        doodles.read(raw)
    assert kind(e) == why


# ---- DiffAugment -------------------------------------------------------------------------------------------------
def test_translation_shifts_each_picture_fills_with_paper_and_passes_gradients():
    x = torch.full((16, 1, 28, 28), -1.0)
    x[:, :, 10:18, 10:18] = 1.0
    x.requires_grad_(True)
    y = diffaugment.translate(x, torch.Generator().manual_seed(0))
    assert y.shape == x.shape
    assert torch.allclose((y > 0).float().sum((1, 2, 3)), torch.full((16,), 64.0))  # the square, moved, whole
    assert len({tuple(torch.nonzero(p[0] > 0)[0].tolist()) for p in y}) > 4  # to different places
    y.sum().backward()
    assert x.grad.abs().sum() > 0


def test_cutout_hides_a_square_of_each_picture_with_paper():
    x = torch.ones(8, 1, 28, 28)
    y = diffaugment.cutout(x, torch.Generator().manual_seed(1))
    hidden = (y == diffaugment.PAPER).float().sum((1, 2, 3))
    assert (hidden > 0).all() and (hidden <= 14 * 14).all()


# ---- the nets and the live GAN -----------------------------------------------------------------------------------
def test_the_nets_make_and_judge_28_pixel_doodles_for_any_of_the_words():
    g, d = doodle_gan.Generator(), doodle_gan.Discriminator()
    words = torch.arange(4) % doodle_gan.WORDS
    x = g(torch.randn(4, 32), words)
    assert x.shape == (4, 1, 28, 28) and x.abs().max() <= 1
    assert d(x, words).shape == (4,)


def drawn(word, n, seed):
    return np.stack([doodles.read(s) for s in doodle_shapes.pool(word, n, seed)])


def as_pool(pictures):
    return (pictures * 255).round().astype(np.uint8)


@pytest.mark.parametrize("augment", [True, False])
@pytest.mark.slow
def test_a_drawn_pool_trains_and_the_samples_come_towards_it(augment):
    """Whatever the seed: 300 iterations on 40 drawn houses bring the samples far nearer the pool."""
    for seed in (0, 1):
        t = DoodleTrainer(augment=augment, seed=seed)
        t.set_pool(as_pool(drawn("house", 40, seed)), np.zeros(40, int))
        before = t.closeness(1)["nearest"]
        assert t.train(60.0, most=300) == 300
        after = t.closeness(1)
        assert after["nearest"] < 0.85 * before, (seed, before, after)
        assert t.samples(1).shape == (1, 6, 28, 28)


@pytest.mark.slow
def test_each_word_is_drawn_as_itself_and_a_two_word_pool_trains_a_conditional_gan():
    """Each word is drawn in one batch with the others: drawn alone, BatchNorm took the word's part out as the
    batch's mean and every word looked the same (the benchmark found it)."""
    t = DoodleTrainer(seed=0, augment=False)
    assert np.abs(t.samples(2)[0] - t.samples(2)[1]).mean() > 0.01  # even untrained
    house, fish = drawn("house", 30, 0), drawn("fish", 30, 1)
    t.set_pool(as_pool(np.concatenate([house, fish])), np.repeat([0, 1], 30))
    t.train(60.0, most=300)
    from models.doodles.live import distances
    samples = t.draw(t.measure_z, 2)
    for word, own, other in ((0, house, fish), (1, fish, house)):
        assert distances(samples[word], own).min(1).mean() < distances(samples[word], other).min(1).mean()


def test_an_empty_pool_trains_nothing():
    t = DoodleTrainer()
    assert t.train(1.0) == 0 and t.closeness(1) == {}


# ---- the pool ------------------------------------------------------------------------------------------------------
@pytest.fixture
def clock():
    return ManualClock()


def test_removing_a_doodle_takes_it_out_of_the_training_pool(clock):
    drawing = Drawing("house")
    drawing.pool.clock = clock
    pictures = drawn("house", 3, 0)
    added = []
    for p in pictures:
        added.append(drawing.pool.add(p, "page"))
        clock.now += 1
    drawing.advance(0.01)
    assert len(drawing.trainer.real) == 3
    drawing.pool.remove(added[1].id)
    drawing.advance(0.01)
    kept = drawing.trainer.pictures
    assert len(kept) == 2 and not any(np.array_equal(k, added[1].picture / 255.0) for k in kept.astype(np.float64))
    with pytest.raises(Refused) as e:
        drawing.pool.remove(added[1].id)
    assert kind(e) == "not_found"


def test_a_page_adds_at_a_hands_pace_and_not_without_end(clock):
    pool = Pool("cat", clock=clock)
    picture = drawn("sun", 1, 0)[0]
    for _ in range(BURST):
        pool.add(picture, "p")
    with pytest.raises(Refused) as e:
        pool.add(picture, "p")
    assert kind(e) == "too_fast"
    pool.add(picture, "other")  # another page is not slowed
    clock.now += WINDOW_S + 0.01
    for _ in range(MAX_PER_PAGE - BURST):
        clock.now += WINDOW_S / BURST + 0.01
        pool.add(picture, "p")
    clock.now += WINDOW_S
    with pytest.raises(Refused) as e:
        pool.add(picture, "p")
    assert kind(e) == "yours_full" and pool.count("p") == MAX_PER_PAGE


def test_words_are_kept_with_their_doodles_and_an_unused_first_word_is_replaced():
    pool = Pool("cat")
    assert pool.set_word("house") == 0 and pool.words == ["house"]  # nothing drawn of "cat"
    pool.add(drawn("house", 1, 0)[0], "")
    assert pool.set_word("fish") == 1 and pool.set_word("HOUSE") == 0 and pool.words == ["house", "fish"]
    for i in range(doodle_gan.WORDS - 2):
        pool.set_word(f"w{i}")
    with pytest.raises(Refused) as e:
        pool.set_word("one too many")
    assert kind(e) == "too_many_words"
    for bad, why in (("   ", "word_empty"), ("x" * 25, "word_long")):
        with pytest.raises(Refused) as e:
            pool.set_word(bad)
        assert kind(e) == why


# ---- the file ------------------------------------------------------------------------------------------------------
def test_download_then_upload_gives_the_same_doodles_and_words():
    pool = Pool("house")
    for p in drawn("house", 4, 0):
        pool.add(p, "")
    pool.set_word("물고기")
    for p in drawn("fish", 3, 1):
        pool.add(p, "")
    data = pool.to_file()
    again = Pool("cat")
    assert again.add_file(data) == 7
    _, first, words, _ = pool.snapshot()
    _, second, words2, _ = again.snapshot()
    assert words2 == words == ["house", "물고기"]
    assert [d.word for d in second] == [d.word for d in first]
    assert all(np.array_equal(a.picture, b.picture) for a, b in zip(first, second))
    # into a pool that already has words: the file's words are joined to them
    third = Pool("fish")
    third.add(drawn("fish", 1, 2)[0], "")
    third.add_file(data)
    assert third.words == ["fish", "house", "물고기"] and [d.word for d in third.snapshot()[1]][-3:] == [2, 2, 2]


def npz(**arrays) -> bytes:
    out = io.BytesIO()
    np.savez(out, **arrays)
    return out.getvalue()


@pytest.mark.parametrize("data, why", [
    (b"not a zip at all", "file_unread"),
    (npz(pictures=np.zeros((2, 28, 28))), "file_kind"),
    (npz(doodles=np.zeros((2, 32, 32)), words=np.array(["cat"])), "file_shape"),
    (npz(doodles=np.zeros((0, 28, 28)), words=np.array(["cat"])), "file_empty"),
    (npz(doodles=np.zeros((2, 28, 28)), words=np.array(["cat"]), labels=np.array([0, 3])), "file_labels"),
    (npz(doodles=np.zeros((2, 28, 28)), words=np.array([1, 2])), "file_kind"),
    (npz(doodles=np.zeros((2, 28, 28)), words=np.array([f"w{i}" for i in range(9)])), "too_many_words"),
    (npz(doodles=np.array([None, None], dtype=object), words=np.array(["cat"])), "file_unread"),  # a pickle
    (b"PK" + b"\0" * (doodles.MAX_FILE_BYTES + 1), "file_big"),
])
def test_bad_uploads_are_refused_and_change_nothing(data, why):
    pool = Pool("cat")
    pool.add(np.zeros((28, 28)), "")
    with pytest.raises(Refused) as e:
        pool.add_file(data)
    assert kind(e) == why and pool.count() == 1 and pool.words == ["cat"]


def test_a_file_that_would_unpack_to_a_huge_pool_is_refused_before_unpacking():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("doodles.npy", b"\0" * (40 * 2**20))  # 40 MB of zeros, a few KB packed
    with pytest.raises(Refused) as e:
        doodles.load(out.getvalue(), 8)
    assert kind(e) == "file_many"


# ---- what a page shows -------------------------------------------------------------------------------------------
def test_markup_in_a_word_or_a_nickname_is_shown_as_text():
    pool = Pool("<img src=x onerror=1>")
    pool.add(drawn("sun", 1, 0)[0], "p", author="<b>Mina</b>")
    _, every, words, current = pool.snapshot()
    page = doodle_frames.mosaic_html(every, words, current, removable=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=1&gt;" in page
    assert "<b>Mina" not in page and "&lt;b&gt;Mina&lt;/b&gt;" in page
    from playground.messages import as_markdown
    assert "<" not in as_markdown("<script>*x*</script>") and "\\*x\\*" in as_markdown("<script>*x*</script>")


def test_the_gan_picture_puts_each_sample_beside_its_nearest_doodle_and_marks_copies():
    drawing = Drawing("house")
    houses = drawn("house", 5, 0)
    for p in houses:
        drawing.pool.add(p, "")
    view = drawing.view()
    assert view.samples.shape == (1, 6, 28, 28) and view.counts == [5]
    for near, dist in view.nearest[0]:
        assert any(np.allclose(near, h, atol=1 / 255) for h in houses) and dist > 0
    # a generator that draws the pool's first doodle exactly: every sample is marked as a copy
    first = drawing.trainer.real[:1]
    drawing.trainer.g.forward = lambda z, words: first.expand(len(z), -1, -1, -1)
    view = drawing.view()
    assert view.closeness["copies"] == 1.0 and all(d < 1e-6 for _, d in view.nearest[0])
    picture = np.asarray(doodle_frames.gan_picture(view))
    assert (np.all(picture == doodle_frames.COPY_RED, axis=2)).sum() > 6 * 100  # six red frames


# ---- the tab's handlers --------------------------------------------------------------------------------------------
def request(page):
    from types import SimpleNamespace

    return SimpleNamespace(session_hash=page, query_params={}, headers={"x-forwarded-for": "1.2.3.4, 10.0.0.9"},
                           client=SimpleNamespace(host="127.0.0.1"))


def stroke_event(strokes):
    return gr.EventData(None, {"strokes": strokes})


@pytest.fixture
def tab(monkeypatch):
    from playground.tabs import doodles as module

    monkeypatch.setattr(module.messages, "info", lambda *a, **k: None)
    return module.DoodleTab(Classes())


def test_alone_a_page_draws_removes_and_trains_its_own_pool(tab):
    from playground.tabs import doodles as module

    own, seen, line, mosaic = tab.on_add(None, stroke_event(doodle_shapes.pool("house", 1, 0)[0]), request("p"))
    assert isinstance(own, Drawing) and own.pool.count() == 1 and "1" in line
    assert seen.size == (168, 168)
    doodle_id = own.pool.snapshot()[1][0].id
    assert f"data-id='{doodle_id}'" in mosaic and "<button" in mosaic
    own, line, mosaic = tab.on_remove(own, gr.EventData(None, {"id": doodle_id}), request("p"))
    assert own.pool.count() == 0 and doodle_id not in mosaic
    with pytest.raises(gr.Error):
        tab.on_add(own, stroke_event([]), request("p"))
    own, _, _ = tab.on_examples(own, "fish", request("p"))
    assert own.pool.count() == module.EXAMPLES and own.pool.words[own.pool.word] == "fish"
    own, _ = tab.toggle(own, True, False, request("p"))
    frames = Stepped(module.stream(own, None))
    first = next(frames)
    assert own.trainer.iteration > 0 and first[0].size[0] > 600
    own.playing = False
    assert list(frames) == []


def test_in_a_class_students_draw_into_one_pool_and_only_the_teacher_removes(tab, lab):
    from playground.tabs import doodles as module
    from playground.tabs.classroom import ClassMode

    c = tab.classes.start(None)
    for page, name in (("s1", "Mina"), ("s2", "Joon")):
        tab.classes.join(c.code, name, page, "10.0.0.9")
    teacher = module.TeacherDoodles(ClassMode(lab, tab.classes)._class)  # the Class tab's check of the secret
    state = {"code": c.code, "secret": c.secret}
    line, mosaic, version = teacher.on_word(state, "fish")
    assert "fish" in line
    for page in ("s1", "s2"):
        own, _, line, mosaic = tab.on_add(None, stroke_event(doodle_shapes.pool("fish", 1, 3)[0]), request(page))
        assert own is None and "fish" in line  # the class's pool, not a page's own
    assert c.drawing.pool.count() == 2 and "<button" not in mosaic  # students see the pool, cannot remove
    authors = {d.author for d in c.drawing.pool.snapshot()[1]}
    assert authors == {"Mina", "Joon"}
    doodle_id = c.drawing.pool.snapshot()[1][0].id
    with pytest.raises(gr.Error):
        tab.on_remove(None, gr.EventData(None, {"id": doodle_id}), request("s1"))
    with pytest.raises(gr.Error):
        tab.on_word(None, "cat", request("s1"))
    with pytest.raises(gr.Error):
        tab.toggle(None, True, False, request("s1"))
    line, mosaic, _ = teacher.on_remove(state, gr.EventData(None, {"id": doodle_id}))
    assert c.drawing.pool.count() == 1 and doodle_id not in mosaic
    # the teacher trains; a student's poll gets the picture, and the pool only when it changed
    held, _ = teacher.toggle(state, True, True)  # a compared pair
    frames = Stepped(module.stream(held, None))
    next(frames)
    frames.close()  # the teacher's page closed while playing: paused, so the next Play plays
    assert held.playing is False
    teacher.toggle(state, True, True)
    assert held.playing is True
    held.playing = False
    out = tab.on_poll(None, None, request("s2"))
    assert out[2] is not None and out[4]["pool"] == c.drawing.pool.version
    again = tab.on_poll(None, out[4], request("s2"))  # nothing changed: nothing is sent again
    assert again[0] == again[1] == again[2] == gr.skip() and again[4] == out[4]
    teacher.on_word(state, "house")
    moved = tab.on_poll(None, again[4], request("s2"))
    assert "house" in moved[0] and moved[4]["pool"] == c.drawing.pool.version  # the picture, too: its counts
    # a stranger's page is not in the class: its own pool, and its poll stops
    stranger = tab.on_poll(None, None, request("stranger"))
    assert stranger[3].active is False and all(control.visible for control in stranger[5:])
    opened = tab.on_open(None, request("s1"))  # a class page hides the controls of a page alone
    assert opened[0] is None and not any(control.visible for control in opened[6:])
    with pytest.raises(gr.Error):
        teacher.on_word({"code": c.code, "secret": "wrong"}, "cat")


def test_the_pages_download_uploads_again_and_a_bad_upload_says_why_and_changes_nothing(tab, tmp_path):
    own, _, _ = tab.on_examples(None, "tree", request("p"))
    path = tab.on_download(own, request("p"))
    assert path.endswith(".npz")
    other, _, mosaic = tab.on_upload(None, path, request("q"))
    assert other.pool.count() == own.pool.count() and other.pool.words == own.pool.words
    bad = tmp_path / "doodles.npz"
    bad.write_bytes(npz(doodles=np.zeros((3, 64, 64)), words=np.array(["tree"])))
    with pytest.raises(gr.Error) as e:
        tab.on_upload(other, str(bad), request("q"))
    assert "28×28" in e.value.message and "64×64" in e.value.message
    assert other.pool.count() == own.pool.count()
    with pytest.raises(gr.Error):
        tab.on_upload(other, None, request("q"))


def test_comparing_trains_two_gans_from_the_same_start_that_differ_only_in_augmentation():
    drawing = Drawing("house")
    for p in drawn("house", 12, 0):
        drawing.pool.add(p, "")
    single = doodle_frames.gan_picture(drawing.view())
    assert drawing.toggle(True, True, "en") and drawing.comparing
    with_aug, without = drawing.trainers
    assert (with_aug.augment, without.augment) == (True, False)
    assert np.array_equal(with_aug.samples(1), without.samples(1))  # the same start
    drawing.playing = False
    drawing.advance(1.0)
    assert with_aug.iteration > 0 and without.iteration > 0
    assert abs(with_aug.iteration - without.iteration) <= max(3, with_aug.iteration // 2)
    view = drawing.view()
    assert view.twin is not None and view.twin.augment is False and view.augment is True
    assert doodle_frames.gan_picture(view).height >= single.height + doodle_frames.CELL  # both GANs' rows
    drawing.reset(compare=False)
    assert not drawing.comparing and drawing.trainer.augment is True and drawing.trainer.iteration == 0


def test_opening_the_tab_makes_no_gan_and_pages_drawing_alone_share_a_bounded_number(tab, monkeypatch):
    """400 pages that opened the tab once held 909 MB: each made a ~6 MB GAN at once, kept for an hour."""
    import gc
    import tracemalloc

    from playground.services.doodle_pool import OwnGans
    from playground.tabs import doodles as module

    monkeypatch.setattr(module, "OWN_GANS", OwnGans(most=3, per_address=2))
    gc.collect()
    tracemalloc.start()
    opened = [tab.on_open(None, request(f"visitor-{i}"))[0] for i in range(400)]
    grown, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert not any(d.has_gan for d in opened) and grown < 40e6  # a pool each, no network
    assert opened[0] is not None and tab.on_open(opened[0], request("visitor-0"))[3].size[0] >= 480  # "press Play"

    def play(drawing, page, address):
        from types import SimpleNamespace
        return tab.toggle(drawing, False, False, SimpleNamespace(session_hash=page, query_params={}, headers={},
                                                                 client=SimpleNamespace(host=address)))
    play(opened[0], "visitor-0", "school")
    play(opened[1], "visitor-1", "school")
    with pytest.raises(gr.Error, match="network"):
        play(opened[2], "visitor-2", "school")  # the address's share
    play(opened[3], "visitor-3", "home")
    with pytest.raises(gr.Error, match="right now"):
        play(opened[4], "visitor-4", "elsewhere")  # the server's
    tab.on_unload(request("visitor-0"))  # a page with a GAN closed: its GAN goes, and its place with it
    assert not opened[0].has_gan and not opened[0].playing
    play(opened[4], "visitor-4", "elsewhere")
    assert opened[4].has_gan and opened[4].playing
