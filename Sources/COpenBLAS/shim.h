#ifndef NEUROMORPH_COPENBLAS_SHIM_H
#define NEUROMORPH_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
