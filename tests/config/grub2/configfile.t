# configfile starts a new context (exported variables only) whose menu replaces the current one; the rest of the old script never runs
--- file 0:/boot/grub/grub.cfg
set plain=outer
set exp=outer
export exp
menuentry "Outer" { linux /vmlinuz outer }
configfile /boot/grub/real.cfg
menuentry "Never" { linux /vmlinuz never }
set default=0
--- file 0:/boot/grub/real.cfg
set default=1
set timeout=3
menuentry "Real A" { linux /vmlinuz a plain=$plain exp=$exp }
menuentry "Real B" { linux /vmlinuz b }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 1
timeout 3
entry 0 "Real A" kind=linux
  kernel 0:/vmlinuz
  args "a plain= exp=outer"
entry 1 "Real B" kind=linux
  kernel 0:/vmlinuz
  args "b"
