# the environment GRUB 2.06 normal mode has before grub.cfg: root, prefix, cmdpath, grub_platform, grub_cpu, feature_* flags, config_file/config_directory while the config runs
--- file 0:/boot/grub/grub.cfg
menuentry E { linux /vmlinuz $root $prefix $cmdpath $grub_platform $grub_cpu $feature_menuentry_id $feature_default_font_path $feature_all_video_module $feature_platform_search_hint $feature_timeout_style $feature_200_final $feature_nativedisk_cmd "[$config_file]" }
set cf=$config_file
set cd=$config_directory
menuentry F { linux /vmlinuz $cf $cd }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "E" kind=linux
  kernel 0:/vmlinuz
  args "hd0,msdos1 (hd0,msdos1)/boot/grub (hd0) pc x86_64 y y y y y y y []"
entry 1 "F" kind=linux
  kernel 0:/vmlinuz
  args "(hd0,msdos1)/boot/grub/grub.cfg (hd0,msdos1)/boot/grub"
