# The interactive menu (pygrub -i, guestboot menu) driven through tmux:
# keys go in with send-keys, the screen comes back with capture-pane, and
# every wait polls with a deadline.
. "$GB_TOP/tests/lib/common.sh"

need menu/tmux tmux || exit 0

# ---- images --------------------------------------------------------------
# mkimage IMAGE DIR: one MBR partition holding DIR.
mkimage() {
	truncate -s 32M "$1"
	printf 'label: dos\nstart=2048, type=83\n' | sfdisk -q "$1"
	mke2fs -q -F -t ext4 -d "$2" -E offset=1048576 "$1" 30000k
}
# kernels ROOT: distinct kernel and initrd files.
kernels() {
	mkdir -p "$1/boot/grub"
	head -c 20011 /dev/urandom >"$1/boot/vmlinuz-1"
	head -c 20021 /dev/urandom >"$1/boot/vmlinuz-2"
	head -c 5003 /dev/urandom >"$1/boot/initrd-1"
}

LONG=$(printf 'Long%.0s title ' $(seq 20))
kernels ra
{
	printf 'default 0\ntimeout 30\n\n'
	printf 'title Debian kernel 1\n\troot (hd0,0)\n\tkernel /boot/vmlinuz-1 root=/dev/xvda1 ro quiet\n\tinitrd /boot/initrd-1\n\n'
	printf 'title Debian kernel 2\n\troot (hd0,0)\n\tkernel /boot/vmlinuz-2 root=/dev/xvda1 ro second\n\n'
	# GRUB legacy refuses C0 controls on a line, not C1 (8-bit CSI/OSC) or DEL
	printf 'title Evil \2350;pwned\234 \177 c1\n\troot (hd0,0)\n\tkernel /boot/vmlinuz-1 evil\n\n'
	printf 'title Caf\303\251 \302\205 utf8\n\troot (hd0,0)\n\tkernel /boot/vmlinuz-1 utf8\n\n'
	printf 'title %s\n\troot (hd0,0)\n\tkernel /boot/vmlinuz-1 long\n\n' "$LONG"
	printf 'title Chain\n\trootnoverify (hd0,0)\n\tchainloader +1\n'
} >ra/boot/grub/menu.lst
mkimage a.img ra

# b.img: the default is the second entry, and the timeout is 2 seconds
kernels rb
{
	printf 'default 1\ntimeout 2\n\n'
	printf 'title First\n\troot (hd0,0)\n\tkernel /boot/vmlinuz-1 root=/dev/xvda1 first\n\n'
	printf 'title Second\n\troot (hd0,0)\n\tkernel /boot/vmlinuz-2 root=/dev/xvda1 second\n'
} >rb/boot/grub/menu.lst
mkimage b.img rb
# z.img: timeout 0 boots the default without a menu
kernels rz
sed 's/^timeout 2/timeout 0/' rb/boot/grub/menu.lst >rz/boot/grub/menu.lst
mkimage z.img rz

# x.img: extlinux, whose parser keeps an escape sequence in a title
kernels rx
mkdir -p rx/boot/extlinux
{
	printf 'DEFAULT good\nTIMEOUT 300\nLABEL evil\n  MENU LABEL Evil \033]0;pwned\007 esc\n'
	printf '  KERNEL /boot/vmlinuz-1\n  APPEND root=/dev/xvda1 evil\n'
	printf 'LABEL good\n  MENU LABEL Good one\n  KERNEL /boot/vmlinuz-2\n  APPEND root=/dev/xvda1 good\n'
} >rx/boot/extlinux/extlinux.conf
mkimage x.img rx

# g.img: GRUB 2 with a submenu that holds the default
kernels rg
cat >rg/boot/grub/grub.cfg <<'EOF'
set default="1>0"
set timeout=30
menuentry 'Debian GNU/Linux' {
	linux /boot/vmlinuz-1 root=/dev/xvda1 ro quiet
	initrd /boot/initrd-1
}
submenu 'Advanced options for Debian' {
	menuentry 'Debian, recovery' {
		linux /boot/vmlinuz-2 root=/dev/xvda1 single
	}
	menuentry 'Debian, old' {
		linux /boot/vmlinuz-1 root=/dev/xvda1 old
	}
}
EOF
mkimage g.img rg

# ---- tmux ------------------------------------------------------------------
unset TMUX # our own server, even when the suite runs inside tmux
sock=$PWD/tmux.sock
T() { tmux -S "$sock" -f /dev/null "$@"; }
# A server of our own, kept alive by an idle session; dead panes stay so
# the screen can still be read after the program exits.
T new-session -d -s keep "sleep 3600"
T set-option -g remain-on-exit on >/dev/null
trap 'T kill-server 2>/dev/null' EXIT

# launch NAME COMMAND: run COMMAND (a shell line) in a new 100x30 window
# with TERM=vt100 as libxl does. Its exit status lands in NAME.rc, and the
# terminal modes it left in NAME.stty.
launch() {
	local name=$1 cmd=$2
	rm -rf "$name" "$name.rc" "$name.stty" && mkdir "$name" && : >"$name/out"
	T new-session -d -x 100 -y 30 -s "$name" \
		"cd '$PWD' && TERM=vt100 $cmd; rc=\$?; stty -a >'$name.stty'; echo \$rc >'$name.rc'"
}
pygrub() { launch "$1" "'$GUESTBOOT' pygrub --output-directory=$1 --output=$1/out ${3:-} $2"; }
screen() { T capture-pane -p -t "$1"; }
# wait_screen NAME TEXT [SECONDS]: until the screen shows TEXT.
wait_screen() {
	local i
	for ((i = 0; i < ${3:-10} * 10; i++)); do
		screen "$1" 2>/dev/null | grep -qF -- "$2" && return 0
		sleep 0.1
	done
	return 1
}
# wait_exit NAME [SECONDS]: until the program ended; its status in $rc.
wait_exit() {
	local i
	rc=timeout
	for ((i = 0; i < ${2:-10} * 10; i++)); do
		if [ -s "$1.rc" ]; then
			rc=$(cat "$1.rc")
			return 0
		fi
		sleep 0.1
	done
	return 1
}
keys() { T send-keys -t "$@"; }
done_with() { T kill-session -t "$1" 2>/dev/null; }
# The terminal is back in cooked mode with echo.
restored() { grep -q ' icanon' "$1.stty" && grep -q ' echo ' "$1.stty"; }
# The sxp names these args and the kernel copy is this file.
booted() {
	grep -qF "(args '$2')" "$1/out" && cmp -s "$1"/boot_kernel.* "$3"
}
MENU_UP="Will boot selected entry in"

# ---- pygrub -i ----------------------------------------------------------------
if wanted menu/pygrub/shows-titles; then
	pygrub t1 a.img
	if wait_screen t1 "$MENU_UP"; then
		s=$(screen t1)
		missing=""
		for t in "guestboot 0.1.0" "Debian kernel 1" "Debian kernel 2" "Chain (chainloader)"; do
			grep -qF -- "$t" <<<"$s" || missing="$missing|$t"
		done
		[ -z "$missing" ] && pass menu/pygrub/shows-titles || fail menu/pygrub/shows-titles "missing$missing" "$s"
	else
		fail menu/pygrub/shows-titles "no menu" "$(screen t1)"
	fi
	keys t1 q
	wait_exit t1
	done_with t1
fi

if wanted menu/pygrub/down-enter; then
	pygrub t2 a.img
	wait_screen t2 "$MENU_UP" && keys t2 Down Enter
	if wait_exit t2 && [ "$rc" = 0 ] && booted t2 "root=/dev/xvda1 ro second" ra/boot/vmlinuz-2 &&
		[ -z "$(ls t2 | grep ramdisk)" ] && restored t2; then
		pass menu/pygrub/down-enter
	else
		fail menu/pygrub/down-enter "rc=$rc out: $(cat t2/out)" "$(screen t2)"
	fi
	done_with t2
fi

if wanted menu/pygrub/j-k-keys; then
	pygrub t3 a.img
	wait_screen t3 "$MENU_UP" && keys t3 j j k Enter
	wait_exit t3 && [ "$rc" = 0 ] && booted t3 "root=/dev/xvda1 ro second" ra/boot/vmlinuz-2 &&
		pass menu/pygrub/j-k-keys || fail menu/pygrub/j-k-keys "rc=$rc out: $(cat t3/out)"
	done_with t3
fi

if wanted menu/pygrub/edit; then
	pygrub t4 a.img
	wait_screen t4 "$MENU_UP" && keys t4 e &&
		wait_screen t4 "Kernel command line of: Debian kernel 1" && keys t4 End " single" Enter
	wait_exit t4 && [ "$rc" = 0 ] && booted t4 "root=/dev/xvda1 ro quiet single" ra/boot/vmlinuz-1 &&
		ls t4/boot_ramdisk.* >/dev/null 2>&1 && restored t4 &&
		pass menu/pygrub/edit || fail menu/pygrub/edit "rc=$rc out: $(cat t4/out)" "$(screen t4)"
	done_with t4
fi

# every editing key: Backspace, Home, Delete, ^E, Left, ^K, ^A, Right, ^U
if wanted menu/pygrub/edit-keys; then
	pygrub t5 a.img
	wait_screen t5 "$MENU_UP" && keys t5 e && wait_screen t5 "Kernel command line" &&
		keys t5 End BSpace BSpace BSpace BSpace BSpace BSpace \
			Home DC DC DC DC DC C-e Left Left Left C-k C-a Right C-u X Enter
	wait_exit t5 && [ "$rc" = 0 ] && booted t5 "Xdev/xvda1" ra/boot/vmlinuz-1 &&
		pass menu/pygrub/edit-keys || fail menu/pygrub/edit-keys "rc=$rc out: $(cat t5/out)" "$(screen t5)"
	done_with t5
fi

if wanted menu/pygrub/edit-escape; then
	pygrub t6 a.img
	wait_screen t6 "$MENU_UP" && keys t6 e && wait_screen t6 "Kernel command line" &&
		keys t6 End " junk" Escape && wait_screen t6 "q: quit" && keys t6 Enter
	wait_exit t6 && [ "$rc" = 0 ] && booted t6 "root=/dev/xvda1 ro quiet" ra/boot/vmlinuz-1 &&
		pass menu/pygrub/edit-escape || fail menu/pygrub/edit-escape "rc=$rc out: $(cat t6/out)"
	done_with t6
fi

# --args still goes after the (edited) command line, as pygrub appends it
if wanted menu/pygrub/args-appended; then
	pygrub t7 a.img --args=console=hvc0
	wait_screen t7 "$MENU_UP" && keys t7 e && wait_screen t7 "Kernel command line" &&
		keys t7 End " single" Enter
	wait_exit t7 && [ "$rc" = 0 ] && booted t7 "root=/dev/xvda1 ro quiet single console=hvc0" ra/boot/vmlinuz-1 &&
		pass menu/pygrub/args-appended || fail menu/pygrub/args-appended "rc=$rc out: $(cat t7/out)"
	done_with t7
fi

for k in q C-c; do
	name=menu/pygrub/quit-$k
	wanted "$name" || continue
	pygrub t8 a.img
	wait_screen t8 "$MENU_UP" && keys t8 Down "$k"
	if wait_exit t8 && [ "$rc" != 0 ] && [ "$rc" != timeout ] && ! ls t8/boot_* >/dev/null 2>&1 &&
		[ ! -s t8/out ] && restored t8; then
		pass "$name"
	else
		fail "$name" "rc=$rc left: $(ls t8)" "$(cat t8.stty 2>/dev/null | head -3)"
	fi
	done_with t8
done

# SIGTERM while the menu waits: the menu closes as if quit, the terminal is
# restored and the copies are removed.
for sig in TERM HUP; do
	name=menu/pygrub/sig$sig
	wanted "$name" || continue
	pygrub t19 a.img
	wait_screen t19 "$MENU_UP" && keys t19 Down && sleep 0.2 &&
		kill -"$sig" "$(pgrep -P "$(T display-message -p -t t19 '#{pane_pid}')")"
	if wait_exit t19 && [ "$rc" = 1 ] && ! ls t19/boot_* >/dev/null 2>&1 && restored t19; then
		pass "$name"
	else
		fail "$name" "rc=$rc left: $(ls t19)" "$(screen t19)"
	fi
	done_with t19
done

# chainloader entries are listed, but booting one only says why not
if wanted menu/pygrub/not-bootable; then
	pygrub t9 a.img
	wait_screen t9 "$MENU_UP" && keys t9 End Enter
	if wait_screen t9 "Cannot boot this: a chainloader entry" 5 && [ ! -s t9.rc ]; then
		pass menu/pygrub/not-bootable
	else
		fail menu/pygrub/not-bootable "$(screen t9)"
	fi
	keys t9 q
	wait_exit t9
	done_with t9
fi

if wanted menu/pygrub/default-marked; then
	pygrub t10 b.img
	if wait_screen t10 "$MENU_UP"; then
		plain=$(screen t10)
		esc=$(T capture-pane -e -p -t t10)
		# the default is marked '*', selected '>' and drawn in reverse video
		if grep -q '^ > \* Second' <<<"$plain" && grep -q '^     First' <<<"$plain" &&
			grep -q $'\033\[7m> \\* Second' <<<"$esc"; then
			pass menu/pygrub/default-marked
		else
			fail menu/pygrub/default-marked "$esc"
		fi
	else
		fail menu/pygrub/default-marked "no menu" "$(screen t10)"
	fi
	keys t10 q
	wait_exit t10
	done_with t10
fi

if wanted menu/pygrub/countdown-boots-default; then
	start=$(date +%s%N)
	pygrub t11 b.img
	seen=false
	wait_screen t11 "Will boot selected entry in" 5 && seen=true
	wait_exit t11 10
	ms=$((($(date +%s%N) - start) / 1000000))
	if $seen && [ "$rc" = 0 ] && [ "$ms" -ge 1500 ] && booted t11 "root=/dev/xvda1 second" rb/boot/vmlinuz-2 &&
		restored t11; then
		pass menu/pygrub/countdown-boots-default
	else
		fail menu/pygrub/countdown-boots-default "countdown seen: $seen rc=$rc after ${ms}ms out: $(cat t11/out)"
	fi
	done_with t11
fi

if wanted menu/pygrub/key-stops-countdown; then
	pygrub t12 b.img
	wait_screen t12 "$MENU_UP" && keys t12 Up
	sleep 3.5 # longer than the timeout: nothing may happen
	if [ ! -s t12.rc ] && ! screen t12 | grep -qF "$MENU_UP" && screen t12 | grep -q '^ >   First'; then
		pass menu/pygrub/key-stops-countdown
	else
		fail menu/pygrub/key-stops-countdown "$(cat t12.rc 2>/dev/null)" "$(screen t12)"
	fi
	keys t12 q
	wait_exit t12
	done_with t12
fi

if wanted menu/pygrub/timeout-zero; then
	pygrub t13 z.img
	if wait_exit t13 && [ "$rc" = 0 ] && booted t13 "root=/dev/xvda1 second" rz/boot/vmlinuz-2 &&
		! screen t13 | grep -qF "guestboot 0.1.0"; then
		pass menu/pygrub/timeout-zero
	else
		fail menu/pygrub/timeout-zero "rc=$rc" "$(screen t13)"
	fi
	done_with t13
fi

# ---- guest text cannot reach the terminal raw --------------------------------
if wanted menu/pygrub/escape-title; then
	pygrub t14 x.img
	if wait_screen t14 "$MENU_UP"; then
		title=$(T display-message -p -t t14 '#{pane_title}')
		if screen t14 | grep -qF 'Evil ?]0;pwned? esc' && [ "$title" != pwned ]; then
			pass menu/pygrub/escape-title
		else
			fail menu/pygrub/escape-title "pane title: $title" "$(screen t14)"
		fi
	else
		fail menu/pygrub/escape-title "no menu" "$(screen t14)"
	fi
	keys t14 q
	wait_exit t14
	done_with t14
fi

if wanted menu/pygrub/c1-title; then
	pygrub t15 a.img
	wait_screen t15 "$MENU_UP" && screen t15 | grep -qF 'Evil ?0;pwned? ? c1' &&
		pass menu/pygrub/c1-title || fail menu/pygrub/c1-title "$(screen t15)"
	keys t15 q
	wait_exit t15
	done_with t15
fi

# In a UTF-8 locale, UTF-8 shows as such, but a C1 control (U+0085) does not.
if wanted menu/pygrub/utf8-title; then
	launch t16 "LC_ALL=C.UTF-8 '$GUESTBOOT' pygrub --output-directory=t16 --output=t16/out a.img"
	wait_screen t16 "$MENU_UP" && T capture-pane -p -t t16 | grep -qF "Café ? utf8" &&
		pass menu/pygrub/utf8-title || fail menu/pygrub/utf8-title "$(screen t16)"
	keys t16 q
	wait_exit t16
	done_with t16
fi

if wanted menu/pygrub/long-title; then
	pygrub t17 a.img
	if wait_screen t17 "$MENU_UP"; then
		line=$(screen t17 | grep -F 'Long title Long')
		if [[ "$line" == *... ]] && [ "${#line}" -le 100 ] && [ "${#line}" -ge 90 ]; then
			pass menu/pygrub/long-title
		else
			fail menu/pygrub/long-title "line (${#line}): $line"
		fi
	else
		fail menu/pygrub/long-title "no menu"
	fi
	keys t17 q
	wait_exit t17
	done_with t17
fi

# No controlling terminal: boot the default, as before the menu existed.
if wanted menu/pygrub/no-tty; then
	rm -rf t18 && mkdir t18 && : >t18/out
	setsid -w "$GUESTBOOT" pygrub --output-directory=t18 --output=t18/out a.img </dev/null >/dev/null 2>t18.err
	r=$?
	[ "$r" = 0 ] && booted t18 "root=/dev/xvda1 ro quiet" ra/boot/vmlinuz-1 &&
		pass menu/pygrub/no-tty || fail menu/pygrub/no-tty "rc=$r $(cat t18.err)"
fi

# ---- guestboot menu ------------------------------------------------------------
gbmenu() { launch "$1" "'$GUESTBOOT' menu -o $1 --format json $2 >$1.json"; }

if wanted menu/cmd/down-enter-json; then
	gbmenu m1 a.img
	wait_screen m1 "$MENU_UP" && keys m1 Down Enter
	if wait_exit m1 && [ "$rc" = 0 ] && [ "$(jq -r .args m1.json)" = "root=/dev/xvda1 ro second" ] &&
		cmp -s "$(jq -r .kernel m1.json)" ra/boot/vmlinuz-2 && [ "$(jq -r .entry.path m1.json)" = 1 ] &&
		restored m1; then
		pass menu/cmd/down-enter-json
	else
		fail menu/cmd/down-enter-json "rc=$rc" "$(cat m1.json)"
	fi
	done_with m1
fi

if wanted menu/cmd/edit-json; then
	gbmenu m2 a.img
	wait_screen m2 "$MENU_UP" && keys m2 e && wait_screen m2 "Kernel command line" &&
		keys m2 End " single" Enter
	if wait_exit m2 && [ "$rc" = 0 ] && [ "$(jq -r .args m2.json)" = "root=/dev/xvda1 ro quiet single" ] &&
		cmp -s "$(jq -r .kernel m2.json)" ra/boot/vmlinuz-1 && cmp -s "$(jq -r .initrd m2.json)" ra/boot/initrd-1; then
		pass menu/cmd/edit-json
	else
		fail menu/cmd/edit-json "rc=$rc" "$(cat m2.json)"
	fi
	done_with m2
fi

if wanted menu/cmd/quit; then
	gbmenu m3 a.img
	wait_screen m3 "$MENU_UP" && keys m3 q
	if wait_exit m3 && [ "$rc" = 1 ] && [ -z "$(ls m3 | grep -v '^out$')" ] && [ ! -s m3.json ] && restored m3; then
		pass menu/cmd/quit
	else
		fail menu/cmd/quit "rc=$rc left: $(ls m3)"
	fi
	done_with m3
fi

if wanted menu/cmd/countdown-json; then
	gbmenu m4 b.img
	wait_exit m4 10 && [ "$rc" = 0 ] && [ "$(jq -r .args m4.json)" = "root=/dev/xvda1 second" ] &&
		pass menu/cmd/countdown-json || fail menu/cmd/countdown-json "rc=$rc" "$(cat m4.json)"
	done_with m4
fi

expect_error menu/cmd/no-tty 1 "no usable terminal" setsid -w "$GUESTBOOT" menu --print a.img

# ---- submenus: on a menu built in code (tests/menu/ui_driver.c) --------------
# Top level: Linux A, Advanced options > (default 1>1: Linux C; holds
# Deeper > Linux D), Empty submenu >, Many > (Entry 0..39).
driver() { launch "$1" "'$GB_BUILD/menu-ui-driver' ${2:--1} $1.result"; }
# result NAME: the driver's "rc=N path=P args=A" line
result() { cat "$1.result" 2>/dev/null; }

if wanted menu/submenu/enter-and-boot; then
	driver s1
	ok=false
	# the default lives in the submenu: the submenu is selected and marked
	wait_screen s1 "q: quit" && screen s1 | grep -q '^ > \* Advanced options >$' &&
		keys s1 Enter && wait_screen s1 "In: Advanced options" &&
		screen s1 | grep -q '^ > \* Linux C$' && screen s1 | grep -q '^     Deeper >$' &&
		! screen s1 | grep -q 'Linux A' &&
		keys s1 Up Enter && wait_exit s1 && [ "$(result s1)" = "rc=0 path=1>0 args=b" ] && ok=true
	$ok && pass menu/submenu/enter-and-boot || fail menu/submenu/enter-and-boot "$(result s1)" "$(screen s1)"
	done_with s1
fi

if wanted menu/submenu/leave-with-esc-and-left; then
	driver s2
	ok=false
	wait_screen s2 "q: quit" && keys s2 Right && wait_screen s2 "In: Advanced options" &&
		keys s2 Escape && wait_screen s2 "Linux A" && ! screen s2 | grep -q "In: " &&
		screen s2 | grep -q '^ > \* Advanced options >$' &&
		keys s2 Right && wait_screen s2 "In: Advanced options" && keys s2 Down Right &&
		wait_screen s2 "In: Advanced options > Deeper" && screen s2 | grep -q '^ >   Linux D$' &&
		keys s2 Left && wait_screen s2 '>   Deeper >' && keys s2 Left && wait_screen s2 "Linux A" &&
		keys s2 Home Enter && wait_exit s2 && [ "$(result s2)" = "rc=0 path=0 args=a" ] && ok=true
	$ok && pass menu/submenu/leave-with-esc-and-left ||
		fail menu/submenu/leave-with-esc-and-left "$(result s2)" "$(screen s2)"
	done_with s2
fi

if wanted menu/submenu/empty; then
	driver s3
	ok=false
	wait_screen s3 "q: quit" && keys s3 Down Enter && wait_screen s3 "This submenu is empty." 5 &&
		screen s3 | grep -q '^ >   Empty submenu >$' && keys s3 q &&
		wait_exit s3 && [ "$(result s3)" = "rc=1 path=- args=-" ] && ok=true
	$ok && pass menu/submenu/empty || fail menu/submenu/empty "$(result s3)" "$(screen s3)"
	done_with s3
fi

# 40 entries on 24 rows: paging keys and scrolling
if wanted menu/submenu/paging; then
	driver s4
	ok=false
	wait_screen s4 "q: quit" && keys s4 End Enter && wait_screen s4 "In: Many" &&
		keys s4 PageDown && wait_screen s4 '>   Entry 24' && ! screen s4 | grep -q 'Entry 0$' &&
		keys s4 End && wait_screen s4 '>   Entry 39' &&
		keys s4 PageUp && wait_screen s4 '>   Entry 15' && keys s4 Enter &&
		wait_exit s4 && [ "$(result s4)" = "rc=0 path=3>15 args=n=15" ] && ok=true
	$ok && pass menu/submenu/paging || fail menu/submenu/paging "$(result s4)" "$(screen s4)"
	done_with s4
fi

# the countdown boots the default inside its submenu
if wanted menu/submenu/countdown; then
	driver s5 1
	wait_exit s5 5 && [ "$(result s5)" = "rc=0 path=1>1 args=c" ] &&
		pass menu/submenu/countdown || fail menu/submenu/countdown "$(result s5)" "$(screen s5)"
	done_with s5
fi

# GRUB 2: the submenu holding the default is selected and marked; Enter
# opens it on the default, Esc leaves it, and an entry inside boots.
if wanted menu/grub2/submenu; then
	pygrub g1 g.img
	ok=false
	wait_screen g1 "$MENU_UP" && screen g1 | grep -q '^ > \* Advanced options for Debian >$' &&
		screen g1 | grep -q '^     Debian GNU/Linux$' && keys g1 Enter &&
		wait_screen g1 "In: Advanced options for Debian" && screen g1 | grep -q '^ > \* Debian, recovery$' &&
		keys g1 Escape && wait_screen g1 "Debian GNU/Linux" && keys g1 Right &&
		wait_screen g1 "In: Advanced options for Debian" && keys g1 Down Enter &&
		wait_exit g1 && [ "$rc" = 0 ] && booted g1 "root=/dev/xvda1 old" rg/boot/vmlinuz-1 && ok=true
	$ok && pass menu/grub2/submenu || fail menu/grub2/submenu "rc=$rc out: $(cat g1/out 2>/dev/null)" "$(screen g1)"
	done_with g1
fi

if wanted menu/grub2/submenu-json; then
	gbmenu g2 g.img
	wait_screen g2 "$MENU_UP" && keys g2 Enter && wait_screen g2 "In: Advanced options" && keys g2 Enter
	if wait_exit g2 && [ "$rc" = 0 ] && [ "$(jq -r .entry.path g2.json)" = "1>0" ] &&
		[ "$(jq -r .args g2.json)" = "root=/dev/xvda1 single" ]; then
		pass menu/grub2/submenu-json
	else
		fail menu/grub2/submenu-json "rc=$rc" "$(cat g2.json)"
	fi
	done_with g2
fi

# The watchdog (here 2 seconds) does not count the time a person takes.
if wanted menu/cmd/watchdog-paused; then
	launch g3 "'$GUESTBOOT' --timeout=2 menu -o g3 --format json a.img >g3.json"
	wait_screen g3 "$MENU_UP" && keys g3 Down
	sleep 3
	keys g3 Enter
	wait_exit g3 && [ "$rc" = 0 ] && [ "$(jq -r .args g3.json)" = "root=/dev/xvda1 ro second" ] &&
		pass menu/cmd/watchdog-paused || fail menu/cmd/watchdog-paused "rc=$rc" "$(screen g3)"
	done_with g3
fi

# guestboot kexec --menu: the same menu, then (a dry run) what it would load.
if wanted menu/kexec/dry-run; then
	launch k1 "'$GUESTBOOT' kexec --menu --dry-run a.img >k1.txt"
	wait_screen k1 "$MENU_UP" && keys k1 Down && keys k1 Enter
	if wait_exit k1 && [ "$rc" = 0 ] && grep -qx "entry: 1 Debian kernel 2" k1.txt &&
		grep -qx "cmdline: root=/dev/xvda1 ro second" k1.txt && grep -qx "device: a.img" k1.txt; then
		pass menu/kexec/dry-run
	else
		fail menu/kexec/dry-run "rc=$rc" "$(cat k1.txt)" "$(screen k1)"
	fi
	done_with k1
fi
