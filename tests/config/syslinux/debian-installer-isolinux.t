# A Debian installer ISO's isolinux.cfg: nested includes relative to the
# config directory, a later "default vesamenu.c32" (the UI) overriding
# gtk.cfg's "default installgui", MENU DEFAULT, a submenu (flattened),
# "menu exit" items, TEXT HELP blocks skipped, CONFIG recorded.
--- device 0 grub=hd0 number=0 fstype=iso9660
--- file 0:/isolinux/isolinux.cfg
# D-I config version 2.0
# search path for the c32 support libraries (libcom32, libutil etc.)
path 
include menu.cfg
default vesamenu.c32
prompt 0
timeout 0
--- file 0:/isolinux/menu.cfg
menu hshift 4
menu width 70

menu title Debian GNU/Linux installer menu (BIOS mode)
include stdmenu.cfg
include gtk.cfg
include txt.cfg
menu begin advanced
    menu label ^Advanced options
	menu title Advanced options
	include stdmenu.cfg
	label mainmenu
		menu label ^Back..
		menu exit
	include adgtk.cfg
menu end
label help
	menu label ^Help
	text help
   Display help screens; type 'menu' at boot prompt to return to this menu
   kernel /not-a-kernel
	endtext
	config prompt.cfg
--- file 0:/isolinux/stdmenu.cfg
menu background splash.png
menu color title	* #FFFFFFFF *
menu color border	* #00000000 #00000000 none
menu tabmsg Press ENTER to boot or TAB to edit a menu entry
--- file 0:/isolinux/gtk.cfg
default installgui
label installgui
	menu label ^Graphical install
	menu default
	kernel /install.amd/vmlinuz
	append vga=788 initrd=/install.amd/gtk/initrd.gz --- quiet 
--- file 0:/isolinux/txt.cfg
label install
	menu label ^Install
	kernel /install.amd/vmlinuz
	append vga=788 initrd=/install.amd/initrd.gz --- quiet 
--- file 0:/isolinux/adgtk.cfg
label expertgui
	menu label Graphical expert install
	kernel /install.amd/vmlinuz
	append priority=low vga=788 initrd=/install.amd/gtk/initrd.gz --- 
--- run syslinux 0:/isolinux/isolinux.cfg
--- expect
config syslinux 0:/isolinux/isolinux.cfg
default 0
entry 0 "Graphical install" id=installgui kind=linux
  kernel 0:/install.amd/vmlinuz
  initrd 0:/install.amd/gtk/initrd.gz
  args "vga=788 --- quiet"
entry 1 "Install" id=install kind=linux
  kernel 0:/install.amd/vmlinuz
  initrd 0:/install.amd/initrd.gz
  args "vga=788 --- quiet"
entry 2 "Back.." id=mainmenu kind=empty
entry 3 "Graphical expert install" id=expertgui kind=linux
  kernel 0:/install.amd/vmlinuz
  initrd 0:/install.amd/gtk/initrd.gz
  args "priority=low vga=788 ---"
entry 4 "Help" id=help kind=chainloader
  kernel 0:/isolinux/prompt.cfg
  args ""
warning label help: CONFIG (another configuration) prompt.cfg, not followed
