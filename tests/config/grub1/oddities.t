# Password (a warning), configfile (not followed), an unknown command, a
# kernel line before any title, bad default and timeout values, a title
# without commands (empty), "keyword=value" and tab separators.
--- file 0:/grub/menu.lst
password --md5 $1$gLhU0/$aW78kHK1QfV3P2b2znUoe/
kernel /stray
default=first
timeout	soon
frobnicate now
title=Only a title
title	Other config
configfile /grub/other.lst
title Real one
password secret
kernel=/vmlinuz	quiet
--- run grub1 0:/grub/menu.lst
--- expect
config grub1 0:/grub/menu.lst
default 0
entry 0 "Only a title" kind=empty
entry 1 "Other config" kind=empty
entry 2 "Real one" kind=linux
  kernel 0:/vmlinuz
  args "quiet"
warning menu is password-protected
warning /grub/menu.lst:2: 'kernel' before any title, ignored
warning /grub/menu.lst:3: bad default 'first', using 0
warning /grub/menu.lst:4: bad timeout 'soon', ignored
warning /grub/menu.lst:5: unknown command 'frobnicate', ignored
warning /grub/menu.lst:8: configfile /grub/other.lst not followed
