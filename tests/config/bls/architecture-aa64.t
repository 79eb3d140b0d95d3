# On an arm64 machine systemd-boot shows the entries for aa64 and those
# that name no architecture, and hides x64 ones (matched without case).
--- file 0:/loader/entries/arm.conf
title Arm
version 6.1.0-18
architecture AA64
linux /vmlinuz-arm
devicetree /dtbs/board.dtb
options root=/dev/vda2
--- file 0:/loader/entries/intel.conf
title Intel
version 6.1.0-17
architecture x64
linux /vmlinuz-x86
--- file 0:/loader/entries/any.conf
title Any
version 6.1.0-16
linux /vmlinuz-any
--- run bls 0:/loader/entries cpu=arm64
--- expect
config bls 0:/loader/entries
default 0
entry 0 "Arm" id=arm kind=linux
  kernel 0:/vmlinuz-arm
  devicetree 0:/dtbs/board.dtb
  args "root=/dev/vda2"
entry 1 "Any" id=any kind=linux
  kernel 0:/vmlinuz-any
  args ""
warning intel.conf: architecture x64, not this machine's; hidden
