"""A worker's time shared fairly among its playing pages (playground/lab/share.py): a heavy run trains fewer
iterations a second, never makes a light one wait, and a page that spent its share trains nothing this frame."""
from conftest import ManualClock
from playground.lab.share import CREDIT_MAX_S, Shares


class Run:
    """A stand-in for a Trainer whose iteration takes ``cost_s`` on the shared clock."""

    def __init__(self, clock: ManualClock, cost_s: float):
        self.clock, self.cost_s, self.iteration = clock, cost_s, 0

    def step(self) -> bool:
        self.clock.now += self.cost_s
        self.iteration += 1
        return True


def play(shares, clock: ManualClock, runs: dict, seconds: float, n: int = 20, budget_s: float = 0.05):
    """Each page asks for a frame in turn, as a worker serves them one at a time (4 ms of view and reply each).
    Returns each page's waits between two of its frames, and the worker time each run trained."""
    waits = {page: [] for page in runs}
    last = {page: clock.now for page in runs}
    trained = {page: 0.0 for page in runs}
    end = clock.now + seconds
    while clock.now < end:
        for page, run in runs.items():
            waits[page].append(clock.now - last[page])
            last[page] = clock.now
            t0 = clock.now
            shares.train(page, run, n, clock.now + budget_s)
            trained[page] += clock.now - t0
            clock.now += 0.004
    return waits, trained


class AtLeastOne:
    """The rule before: every play frame trained at least one iteration, then more within the frame's budget."""

    def train(self, page, t, n, deadline):
        for _ in range(n):
            t.step()
            if t.clock.now > deadline:
                break


def test_heavy_runs_take_their_share_and_a_light_one_keeps_its_frame_rate():
    def light_page(shares):
        clock = ManualClock()
        if hasattr(shares, "clock"):
            shares.clock = clock
        runs = {f"heavy-{i}": Run(clock, 0.039) for i in range(3)}  # just under the cost limit
        runs["light"] = Run(clock, 0.001)
        waits, trained = play(shares, clock, runs, 20.0)
        steady = sorted(waits["light"][len(waits["light"]) // 10:])
        return len(waits["light"]) / 20.0, steady[int(0.95 * len(steady))], trained, runs

    old_fps, old_p95, _, _ = light_page(AtLeastOne())
    fps, p95, trained, runs = light_page(Shares())
    assert fps >= 1.5 * old_fps and p95 <= old_p95
    for i in range(3):
        assert 0.15 < trained[f"heavy-{i}"] / 20.0 < 0.3  # about a quarter of the worker each, not more
    assert runs["light"].iteration > 200


def test_a_page_alone_trains_as_much_as_its_frames_ask():
    clock = ManualClock()
    shares = Shares(clock)
    run = Run(clock, 0.002)
    for _ in range(100):
        assert shares.train("alone", run, 10, clock.now + 0.05) == 10
        clock.now += 0.03


def test_a_spent_share_trains_nothing_and_the_frame_still_answers():
    clock = ManualClock()
    shares = Shares(clock)
    heavy, light = Run(clock, 0.15), Run(clock, 0.001)
    shares.train("light", light, 1, clock.now + 0.05)
    assert shares.train("heavy", heavy, 1, clock.now + 0.05) == 1  # a new page starts with credit in hand
    clock.now += 0.01
    shares.train("light", light, 1, clock.now + 0.05)
    assert shares.train("heavy", heavy, 1, clock.now + 0.05) == 0  # spent: this frame trains nothing
    clock.now += 2 * CREDIT_MAX_S * 2  # its share comes back with time (half the worker's, two pages sharing)
    shares.train("light", light, 1, clock.now + 0.05)
    assert shares.train("heavy", heavy, 1, clock.now + 0.05) == 1
