# architecture: compared case-insensitively with the machine's (x64 for
# grub_cpu x86_64); a mismatch hides the entry. Title falls back to the id.
--- file 0:/loader/entries/arm.conf
title ARM kernel
architecture aa64
linux /Image
--- file 0:/loader/entries/pc.conf
architecture X64
linux /vmlinuz
--- run bls 0:/loader/entries
--- expect
config bls 0:/loader/entries
default 0
entry 0 "pc" id=pc kind=linux
  kernel 0:/vmlinuz
  args ""
warning arm.conf: architecture aa64, not this machine's; hidden
