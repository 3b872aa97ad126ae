#ifndef NEUROMORPH_CZLIB_SHIM_H
#define NEUROMORPH_CZLIB_SHIM_H
#include <zlib.h>
#endif
