"""The Dirac-GAN view's handler: field, trajectories, distance curves and the eigenvalue verdict."""
import gradio as gr
import numpy as np
import pytest

from playground.tabs import dirac as dirac_view

BOTH = ["simultaneous", "alternating"]


def test_the_plain_gan_circles_and_r1_converges_on_screen():
    field, distance, verdict = dirac_view.draw("gan", "none", 0.3, 0.1, 600, 1.0, 1.0, BOTH)
    names = [t.name for t in field.data]
    assert names == ["vector field", "simultaneous", "alternating", "start"]
    assert "real parts 0" in verdict and "+0.500i" in verdict
    sim, alt = (np.asarray(t.y) for t in distance.data)
    assert sim[-1] > 1.4 * sim[0] and alt.max() < 1.2 * alt[0]
    _, distance, verdict = dirac_view.draw("gan", "r1", 0.3, 0.1, 600, 1.0, 1.0, ["simultaneous"])
    assert "converge" in verdict and np.asarray(distance.data[0].y)[-1] < 0.05


@pytest.mark.parametrize("args, message", [
    (("gan", "none", -1, 0.1, 600, 1.0, 1.0), "γ"),
    (("gan", "none", 0.3, 0.0, 600, 1.0, 1.0), "(?i)learning rate"),
    (("gan", "none", 0.3, 0.1, 600, float("nan"), 1.0), "(?i)start θ"),
    (("gan", "bogus", 0.3, 0.1, 600, 1.0, 1.0), "regulariser"),
])
def test_bad_values_are_refused_with_a_message(args, message):
    with pytest.raises(gr.Error, match=message):
        dirac_view.draw(*args, BOTH)


def test_a_crafted_update_gets_a_message_not_a_traceback():
    import gradio as gr
    import pytest

    from playground.tabs import dirac as view

    with pytest.raises(gr.Error, match="gradient steps"):
        view.draw("gan", "none", 0.3, 0.1, 100, 1.0, 1.0, ["sideways"])


def test_the_view_speaks_the_pages_language(monkeypatch):
    from playground import i18n
    from playground.tabs import dirac as view

    monkeypatch.setattr(i18n, "current_lang", lambda: "ko")
    field, distance, verdict = view.draw("gan", "r1", 0.3, 0.1, 100, 1.0, 1.0, ["alternating"])
    assert "고윳값" in verdict and "수렴" in verdict
    assert field.layout.xaxis.title.text.startswith("θ (생성자") and field.data[-2].name == "번갈아 업데이트"
