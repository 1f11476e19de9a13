"""Run a tool script and SIGKILL the process at a chosen moment of a checkpoint save (for crash tests).

``python sigkill_run.py during-write iter_4.pth tools/train.py ARGS``: killed once the temp file of
``iter_4.pth`` is written, before it is renamed over the target (the moment of a real ``kill -9`` or
power loss during the save). ``python sigkill_run.py after-checkpoint iter_2.pth tools/train.py ARGS``:
killed right after ``last_checkpoint`` was switched to ``iter_2.pth``.
"""
import os
import runpy
import signal
import sys


def _kill() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    moment, target, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
    if moment == 'during-write':
        real_fsync = os.fsync

        def fsync(fd):
            real_fsync(fd)
            name = os.path.basename(os.readlink(f'/proc/self/fd/{fd}'))
            if name.startswith(f'.{target}.') and name.endswith('.tmp'):
                _kill()

        os.fsync = fsync
    elif moment == 'after-checkpoint':
        real_replace = os.replace

        def replace(src, dst, *args, **kwargs):
            real_replace(src, dst, *args, **kwargs)
            if os.path.basename(dst) == 'last_checkpoint':
                with open(dst) as f:
                    if os.path.basename(f.read().strip()) == target:
                        _kill()

        os.replace = replace
    else:
        raise SystemExit(f'unknown moment {moment!r}: during-write or after-checkpoint')
    sys.argv = argv
    runpy.run_path(argv[0], run_name='__main__')


if __name__ == '__main__':
    main()
