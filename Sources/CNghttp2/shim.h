// C shim for libnghttp2: the header Swift imports.
#ifndef SMW_CNGHTTP2_SHIM_H
#define SMW_CNGHTTP2_SHIM_H
#include <nghttp2/nghttp2.h>
#endif
