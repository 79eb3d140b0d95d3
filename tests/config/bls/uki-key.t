# Type 1 entries naming a UKI (systemd v254+): "uki PATH" boots it through
# systemd-stub; a missing file drops the entry, as systemd-boot drops it;
# a file that is not a PE file is listed but cannot boot; "uki-url" cannot
# be followed in an image (an absolute URL is listed, unbootable; one
# relative to the loader's URL is hidden, as systemd-boot hides it when
# booted from a disk); two loader keys in one entry make systemd-boot
# reject it; "profile" must be a number. No sort keys: ids descending.
--- file 0:/loader/entries/a-missing.conf
title Missing
uki /images/nope.efi
--- file 0:/loader/entries/b-notpe.conf
title Not a PE file
uki /images/text.efi
profile x1
--- file 0:/loader/entries/c-url.conf
title Remote
uki-url https://example.com/uki.efi
--- file 0:/loader/entries/d-relurl.conf
title Relative
uki-url :uki.efi
--- file 0:/loader/entries/e-both.conf
title Both
linux /vmlinuz
uki /images/text.efi
--- file 0:/images/text.efi
not a PE file
--- run bls 0:/loader/entries
--- expect
config bls 0:/loader/entries
default 0
entry 0 "Remote" id=c-url kind=empty
entry 1 "Not a PE file" id=b-notpe kind=empty
warning /loader/entries/b-notpe.conf:3: profile 'x1' is not a number, ignored
warning e-both.conf: more than one of 'linux', 'efi', 'uki' and 'uki-url': systemd-boot rejects the entry
warning d-relurl.conf: uki-url :uki.efi is relative to the URL systemd-boot was loaded from, which a disk boot has none of: hidden, as systemd-boot hides it
warning c-url.conf: uki-url https://example.com/uki.efi: a UKI fetched over the network at boot, which guestboot cannot follow in an image
warning /images/text.efi: not a PE file (no section table in its first 64 KiB)
warning a-missing.conf: uki /images/nope.efi: no such file, entry dropped (as systemd-boot drops it)
