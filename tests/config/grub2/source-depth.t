# a config that sources itself: past the source nesting limit the source command fails, and the entries made so far stay (GRUB 2.06 keeps them too, with "maximum recursion depth exceeded"); the command after the failed source still runs
--- file 0:/boot/grub/grub.cfg
name=a$name
menuentry $name { linux /vmlinuz }
source /boot/grub/grub.cfg
set default=1
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 1
entry 0 "a" kind=linux
  kernel 0:/vmlinuz
  args ""
entry 1 "aa" kind=linux
  kernel 0:/vmlinuz
  args ""
entry 2 "aaa" kind=linux
  kernel 0:/vmlinuz
  args ""
entry 3 "aaaa" kind=linux
  kernel 0:/vmlinuz
  args ""
entry 4 "aaaaa" kind=linux
  kernel 0:/vmlinuz
  args ""
entry 5 "aaaaaa" kind=linux
  kernel 0:/vmlinuz
  args ""
entry 6 "aaaaaaa" kind=linux
  kernel 0:/vmlinuz
  args ""
entry 7 "aaaaaaaa" kind=linux
  kernel 0:/vmlinuz
  args ""
entry 8 "aaaaaaaaa" kind=linux
  kernel 0:/vmlinuz
  args ""
entry 9 "aaaaaaaaaa" kind=linux
  kernel 0:/vmlinuz
  args ""
entry 10 "aaaaaaaaaaa" kind=linux
  kernel 0:/vmlinuz
  args ""
entry 11 "aaaaaaaaaaaa" kind=linux
  kernel 0:/vmlinuz
  args ""
entry 12 "aaaaaaaaaaaaa" kind=linux
  kernel 0:/vmlinuz
  args ""
entry 13 "aaaaaaaaaaaaaa" kind=linux
  kernel 0:/vmlinuz
  args ""
entry 14 "aaaaaaaaaaaaaaa" kind=linux
  kernel 0:/vmlinuz
  args ""
entry 15 "aaaaaaaaaaaaaaaa" kind=linux
  kernel 0:/vmlinuz
  args ""
entry 16 "aaaaaaaaaaaaaaaaa" kind=linux
  kernel 0:/vmlinuz
  args ""
warning /boot/grub/grub.cfg:3: source/configfile nested deeper than 16, not followed
