#!/usr/bin/env python3
# xl create -c CFG on a pseudo-terminal, as a user at the console would:
# when the bootloader's menu counts down, press "j" (next entry) and Enter;
# then keep reading the guest console. Everything read goes to LOG.
# Runs until killed (tests/lib/xen_dom0_init).
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time

cfg, log_path = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "vt100"
    os.execvp("xl", ["xl", "create", "-c", cfg])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
seen = b""
keys = [b"j", b"\r"]
with open(log_path, "wb") as log:
    while True:
        ready, _, _ = select.select([fd], [], [], 1)
        if ready:
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            log.write(data)
            log.flush()
            seen = (seen + data)[-4096:]
        if keys and b"Will boot selected entry" in seen:
            time.sleep(0.5)
            os.write(fd, keys.pop(0))
            log.write(b"\n[xl_console.py: key sent]\n")
            seen = b""
            if keys:
                time.sleep(0.5)
                os.write(fd, keys.pop(0))
