"""`python -m bench NAME [options]`: run one benchmark (`python -m bench` lists them)."""

from __future__ import annotations

import importlib
import sys

# command -> (module in this package, what it measures)
COMMANDS = {
    "predict": ("predict", "the Predict page: a colour change, a first visit, the browser's work"),
    "train": ("train", "the Train page: a live update, the chapter's run in Chromium, opening the page"),
    "digits": ("digits", "the Digits page: a drawing's answer, in process and in Chromium"),
    "teach": ("teach", "the Teach page: one answer, in process and in Chromium"),
    "activations": ("activations", "the Activations page: each interaction's server time"),
    "backprop": ("backprop", "the Backprop page: each interaction's server time; --check: the gradient check"),
    "practice": ("practice", "Your turn and Tune: server time, and a weight change painted"),
    "learning": ("learning", "the cost surface, a confusion cell, the exported scripts"),
    "store": ("store", "the class network retrained, and answers committed per second"),
    "class": ("classroom", "a class under load: students answering while the teacher watches"),
    "capacity": ("capacity", "concurrent chapter runs one server keeps live"),
    "heavy-run": ("heavy_run", "a heavy run's live updates and Pause"),
    "memory": ("memory", "whether a closed session gives its memory back"),
    "upload": ("upload", "reading the largest upload, and what it costs the other visitors"),
    "first-visit": ("first_visit", "every page's first visit beside a bare Streamlit page"),
}


def usage() -> str:
    width = max(map(len, COMMANDS))
    return "usage: python -m bench NAME [options]   (NAME --help for its options)\n\n" + "\n".join(
        f"  {name:{width}}  {about}" for name, (_, about) in COMMANDS.items())


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(usage())
        return 0
    name = argv[0]
    if name not in COMMANDS:
        print(f"bench: no benchmark named {name!r}\n\n{usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(f"bench.{COMMANDS[name][0]}")
    sys.argv = [f"python -m bench {name}", *argv[1:]]   # each benchmark's own argparse reads its options
    return module.main() or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
