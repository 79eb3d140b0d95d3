# $"..." (gettext quoting): its text is kept raw by the lexer and its variables expanded when it runs; a bare '$' is itself, \\ and \$ are escapes, the result is one unsplit argument
--- file 0:/boot/grub/grub.cfg
x=5
menuentry $"a $x" --id $"$" {
	linux /vmlinuz $"$" $"$,x" $"\x\\y\$x$x${x}" $"" end $"{$x"
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "a 5" id=$ kind=linux
  kernel 0:/vmlinuz
  args "$ $,x \\\\x\\\\y$x55  end {5"
