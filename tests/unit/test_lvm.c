/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "t.h"
#include "volume/lvm.h"
