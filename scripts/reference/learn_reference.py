#!/usr/bin/env python3
"""Reference fits for Sources/Learn, written independently of the Swift code from the objective
and algorithms stated in docs/learned-models.md, and the fixtures LearnTests compares against.

Logistic regression: the objective
    f(beta, b) = (1/W) sum_i w_i [log(1 + e^z_i) - y_i z_i] + (l2/2) |beta|^2,  z_i = b + x~_i . beta
on features standardised by their weighted mean and population sd, minimised by plain Newton
(IRLS) in float64 until the step is below 1e-14, then checked against scipy.optimize.minimize
(trust-exact with the analytic gradient and Hessian) — the two must agree to 1e-9.

Isotonic regression: weighted pool-adjacent-violators on the scores sorted ascending, equal
scores pooled first, merging while the earlier block's mean is strictly greater; checked against
scipy.optimize.isotonic_regression on the pooled points. Knots: each block's lowest score, and its
highest when it spans several.

Usage: scripts/reference/learn_reference.py    (needs numpy and scipy >= 1.12)
Writes Tests/Fixtures/learn/{logistic,separable,isotonic}.csv and
Tests/Fixtures/learn/{logistic,separable,isotonic}-expected.toml. Deterministic (fixed seeds).
"""
import os

import numpy as np
import scipy.optimize

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "learn")


def standardise(x, w):
    mean = (w[:, None] * x).sum(0) / w.sum()
    sd = np.sqrt((w[:, None] * (x - mean) ** 2).sum(0) / w.sum())
    sd = np.where(sd > 1e-12 * np.maximum(np.abs(mean), 1), sd, 1.0)
    return mean, sd


def objective_parts(theta, z, y, w, l2):
    d = z.shape[1] - 1
    m = z @ theta
    p = 1 / (1 + np.exp(-m))
    W = w.sum()
    f = (w * (np.logaddexp(0, m) - y * m)).sum() / W + 0.5 * l2 * (theta[:d] ** 2).sum()
    g = z.T @ (w * (p - y)) / W
    g[:d] += l2 * theta[:d]
    h = (z * (w * p * (1 - p))[:, None]).T @ z / W
    h[np.arange(d), np.arange(d)] += l2
    return f, g, h


def newton(x, y, w, l2):
    mean, sd = standardise(x, w)
    z = np.hstack([(x - mean) / sd, np.ones((len(x), 1))])
    theta = np.zeros(z.shape[1])
    for _ in range(200):
        f, g, h = objective_parts(theta, z, y, w, l2)
        step = np.linalg.solve(h, g)
        t = 1.0
        while objective_parts(theta - t * step, z, y, w, l2)[0] > f - 1e-4 * t * g @ step and t > 1e-12:
            t /= 2
        theta = theta - t * step
        if np.abs(step).max() * t < 1e-14:
            break
    check = scipy.optimize.minimize(lambda th: objective_parts(th, z, y, w, l2)[0], np.zeros_like(theta),
                                    jac=lambda th: objective_parts(th, z, y, w, l2)[1],
                                    hess=lambda th: objective_parts(th, z, y, w, l2)[2],
                                    method="trust-exact", options={"gtol": 1e-13})
    assert np.abs(check.x - theta).max() < 1e-9, (check.x, theta)
    return mean, sd, theta


def fmt(v):
    return repr(float(v))


def floats(name, xs):
    return f"{name} = [{', '.join(fmt(v) for v in xs)}]\n"


def write_csv(path, header, rows):
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(r) + "\n")


def logistic_case(name, x, y, w, groups, l2, note):
    mean, sd, theta = newton(x, y, w, l2)
    d = x.shape[1]
    beta, b = theta[:d], theta[d]
    raw_w = beta / sd
    raw_b = b - (beta * mean / sd).sum()
    header = ["group", "label", "weight"] + [f"f{j}" for j in range(d)]
    rows = [[str(groups[i]), str(int(y[i])), fmt(w[i])] + [fmt(v) for v in x[i]] for i in range(len(x))]
    write_csv(os.path.join(OUT, f"{name}.csv"), header, rows)
    with open(os.path.join(OUT, f"{name}-expected.toml"), "w") as f:
        f.write(f"# {note}\n# Written by scripts/reference/learn_reference.py (NumPy Newton, checked against SciPy trust-exact).\n")
        f.write(f"l2 = {fmt(l2)}\n")
        f.write(floats("mean", mean) + floats("sd", sd) + floats("weights", beta) + f"bias = {fmt(b)}\n")
        f.write(floats("raw_weights", raw_w) + f"raw_bias = {fmt(raw_b)}\n")


def pav(scores, labels, weights):
    order = np.argsort(scores, kind="stable")
    points = []  # equal scores pooled first: [sum_wy, sum_w, score]
    for i in order:
        if points and points[-1][2] == scores[i]:
            points[-1][0] += weights[i] * labels[i]
            points[-1][1] += weights[i]
        else:
            points.append([weights[i] * labels[i], weights[i], scores[i]])
    blocks = []  # [sum_wy, sum_w, low, high]
    for wy, wt, s in points:
        blocks.append([wy, wt, s, s])
        while len(blocks) >= 2 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            b = blocks.pop()
            a = blocks.pop()
            blocks.append([a[0] + b[0], a[1] + b[1], a[2], b[3]])
    xs, ys = [], []
    for sw, w, lo, hi in blocks:
        xs.append(lo); ys.append(sw / w)
        if hi > lo:
            xs.append(hi); ys.append(sw / w)
    # Independent check: SciPy's isotonic regression on the tie-pooled points.
    u, inv = np.unique(scores, return_inverse=True)
    wsum = np.bincount(inv, weights=weights)
    ymean = np.bincount(inv, weights=weights * labels) / wsum
    fitted = scipy.optimize.isotonic_regression(ymean, weights=wsum).x
    mine = np.interp(u, xs, ys)
    assert np.abs(fitted - mine).max() < 1e-12, np.abs(fitted - mine).max()
    return xs, ys


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240611)

    # 400 rows, 4 features on very different scales, sample weights, 80 groups of 5.
    n = 400
    x = np.column_stack([rng.normal(0, 1, n), rng.normal(100, 20, n), rng.uniform(0, 0.01, n),
                         rng.integers(0, 2, n).astype(float)])
    logit = 0.8 * x[:, 0] - 0.03 * (x[:, 1] - 100) + 150 * (x[:, 2] - 0.005) + 0.7 * x[:, 3] - 0.3
    y = (rng.uniform(0, 1, n) < 1 / (1 + np.exp(-logit))).astype(float)
    w = np.round(rng.uniform(0.5, 2.0, n), 3)
    logistic_case("logistic", x, y, w, np.arange(n) // 5, 1e-3,
                  "400 rows, 4 features (N(0,1), N(100,20), U(0,0.01), {0,1}), weights U(0.5,2), l2 = 1e-3.")

    # Perfectly separable: y = (x0 + x1 > 0). The unpenalised optimum is at infinity.
    n = 120
    x = rng.normal(0, 1, (n, 2))
    x = x[np.abs(x[:, 0] + x[:, 1]) > 0.2][:100]
    y = (x[:, 0] + x[:, 1] > 0).astype(float)
    logistic_case("separable", x, y, np.ones(len(x)), np.arange(len(x)) // 4, 1e-2,
                  "100 perfectly separable rows (y = x0 + x1 > 0, margin 0.2), unit weights, l2 = 1e-2.")

    # Isotonic: 300 scores rounded to 2 decimals (many ties), labels from a noisy increasing curve,
    # weights from {0.5, 1, 2}.
    n = 300
    s = np.round(rng.normal(0, 1.5, n), 2)
    labels = (rng.uniform(0, 1, n) < 1 / (1 + np.exp(-(1.2 * s - 0.4)))).astype(float)
    wts = rng.choice([0.5, 1.0, 2.0], n)
    xs, ys = pav(s, labels, wts)
    write_csv(os.path.join(OUT, "isotonic.csv"), ["score", "label", "weight"],
              [[fmt(s[i]), str(int(labels[i])), fmt(wts[i])] for i in range(n)])
    with open(os.path.join(OUT, "isotonic-expected.toml"), "w") as f:
        f.write("# 300 scores N(0,1.5) rounded to 0.01 (ties), labels ~ logistic(1.2 s - 0.4), weights in {0.5,1,2}.\n")
        f.write("# Written by scripts/reference/learn_reference.py (PAV, checked against SciPy isotonic_regression).\n")
        f.write(floats("x", xs) + floats("y", ys))


if __name__ == "__main__":
    main()
