# Read pygrub's sxp output ("linux (kernel 'k')(ramdisk 'r')(args 'a')") the
# way a consumer would: print the field names on one line, then the args
# value decoded. Used to show that injected text stays inside one value.
import ast
import sys

s = sys.argv[1]
assert s.startswith("linux "), s
i = len("linux ")
names, values = [], {}
while i < len(s):
    assert s[i] == "(", s[i:]
    j = s.index(" ", i)
    name = s[i + 1:j]
    # the value is a Python literal: scan to its closing quote
    q = s[j + 1]
    k = j + 2
    while s[k] != q:
        k += 2 if s[k] == "\\" else 1
    values[name] = ast.literal_eval(s[j + 1:k + 1])
    assert s[k + 1] == ")", s[k:]
    names.append(name)
    i = k + 2
print(" ".join(names))
print(values.get("args", ""))
