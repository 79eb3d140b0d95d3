# "name=" with nothing after it is a syntax error.
--- file 0:/etc/lilo.conf
prompt
image=
--- run lilo 0:/etc/lilo.conf
--- expect-error SYNTAX /etc/lilo.conf:2:7: missing value after '='
