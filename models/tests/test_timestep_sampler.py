"""The gradient-norm timestep sampler: uniform until its history fills, then unbiased importance sampling by gradient size."""
import torch

from models.train.timestep_sampler import TimestepSampler


def test_uniform_until_every_bin_has_its_history():
    s = TimestepSampler("gradient-norm", steps=100, bins=10, history=2)
    s.record(torch.arange(0, 100, 10), torch.ones(10))  # one value per bin: not yet
    assert torch.allclose(s.probabilities(), torch.full((100,), 0.01, dtype=torch.float64))


def test_steps_with_larger_losses_are_drawn_more_and_weighed_less_keeping_the_mean():
    torch.manual_seed(0)
    s = TimestepSampler("gradient-norm", steps=100, bins=10, history=4, uniform_share=0.0)
    loss_of = lambda t: torch.where(t >= 90, 100.0, 1.0).double()  # noqa: E731 - the last bin dominates
    for _ in range(4):
        t = torch.arange(100)
        s.record(t, loss_of(t))
    p = s.probabilities()
    assert abs(p[95] / p[5] - 100.0) < 1e-9
    t, w = s.sample(200_000)
    assert (t >= 90).double().mean() > 0.9
    uniform_mean = loss_of(torch.arange(100)).mean()
    assert abs((w.double() * loss_of(t)).mean() / uniform_mean - 1) < 0.01  # the same objective


def test_uniform_kind_stays_uniform_and_history_survives_a_checkpoint():
    s = TimestepSampler("uniform", steps=100, bins=10, history=1)
    s.record(torch.arange(0, 100, 10), torch.arange(10.0))
    assert torch.allclose(s.probabilities(), torch.full((100,), 0.01, dtype=torch.float64))
    t, w = s.sample(5)
    assert torch.allclose(w, torch.ones(5))
    other = TimestepSampler("gradient-norm", steps=100, bins=10, history=1)
    other.load_state_dict(s.state_dict())
    assert other.probabilities()[0] < other.probabilities()[99]  # values 0 vs 9 (plus the uniform share)


def test_below_draws_only_lower_steps_and_keeps_their_mean():
    torch.manual_seed(0)
    for kind in ("uniform", "gradient-norm"):
        s = TimestepSampler(kind, steps=100, bins=10, history=1, below=40)
        s.record(torch.arange(0, 40, 10), torch.tensor([1.0, 2.0, 4.0, 8.0]))  # the bins below 40 suffice
        t, w = s.sample(100_000)
        assert int(t.max()) < 40 and int(t.min()) == 0
        f = lambda x: (x.double() + 1) ** 2  # noqa: E731
        assert abs((w.double() * f(t)).mean() / f(torch.arange(40)).mean() - 1) < 0.02
