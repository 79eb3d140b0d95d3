# RHEL 8's '--users $grub_users --id X' with grub_users unset: '--users' is followed by '--id', which GRUB's option parser will not take as a value (lib/arg.c), so the menuentry command fails and makes no entry; a set $grub_users works
--- file 0:/boot/grub/grub.cfg
menuentry 'Lost' --class kernel --unrestricted --users $grub_users --id lost { linux /vmlinuz lost }
grub_users=root
menuentry 'Kept' --unrestricted --users $grub_users --id kept { linux /vmlinuz kept }
menuentry 'Also lost' --id { linux /vmlinuz }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "Kept" id=kept kind=linux
  kernel 0:/vmlinuz
  args "kept"
warning /boot/grub/grub.cfg:1: menuentry: missing mandatory option for `users'
warning /boot/grub/grub.cfg:4: menuentry: missing mandatory option for `id'
