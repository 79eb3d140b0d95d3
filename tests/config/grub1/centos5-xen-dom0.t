# CentOS 5 Xen: "kernel /xen.gz" followed by modules is a multiboot
# entry (hypervisor + dom0 kernel + initrd, each with its arguments).
# default=1 picks the plain kernel; fallback kept as written.
--- file 0:/grub/menu.lst
default=1
fallback=0
timeout=5
title CentOS (2.6.18-398.el5xen)
	root (hd0,0)
	kernel /xen.gz-2.6.18-398.el5 dom0_mem=1024M  com1=115200,8n1
	module /vmlinuz-2.6.18-398.el5xen ro root=LABEL=/ console=xvc0
	module /initrd-2.6.18-398.el5xen.img
title CentOS (2.6.18-398.el5)
	root (hd0,0)
	kernel /vmlinuz-2.6.18-398.el5 ro root=LABEL=/
	initrd /initrd-2.6.18-398.el5.img
--- run grub1 0:/grub/menu.lst
--- expect
config grub1 0:/grub/menu.lst
default 1
fallback 0
timeout 5
entry 0 "CentOS (2.6.18-398.el5xen)" kind=multiboot
  kernel 0:/xen.gz-2.6.18-398.el5
  module 0:/vmlinuz-2.6.18-398.el5xen "ro root=LABEL=/ console=xvc0"
  module 0:/initrd-2.6.18-398.el5xen.img
  args "dom0_mem=1024M com1=115200,8n1"
entry 1 "CentOS (2.6.18-398.el5)" kind=linux
  kernel 0:/vmlinuz-2.6.18-398.el5
  initrd 0:/initrd-2.6.18-398.el5.img
  args "ro root=LABEL=/"
