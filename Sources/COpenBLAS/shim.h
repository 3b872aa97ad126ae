#ifndef NEUROMORPH_COPENBLAS_SHIM_H
#define NEUROMORPH_COPENBLAS_SHIM_H
#include <cblas.h>

/* LAPACK (Fortran symbols exported by Debian's OpenBLAS, which ships no LAPACKE header).
   Column-major; every argument by pointer; 32-bit integers (OpenBLAS built without
   OPENBLAS_USE64BITINT). Used by NeuromorphAnalog's gradient decomposition (Householder QR
   for SBPCA) and weight extraction (solves of the normal equations). */

/* Householder QR: A = Q R; R in the upper triangle of a, reflectors below it and in tau. */
void sgeqrf_(const int *m, const int *n, float *a, const int *lda, float *tau,
             float *work, const int *lwork, int *info);
/* Forms the first n columns of Q from sgeqrf_'s reflectors, in place. */
void sorgqr_(const int *m, const int *n, const int *k, float *a, const int *lda,
             const float *tau, float *work, const int *lwork, int *info);
/* Solves A X = B by LU with partial pivoting (no character arguments, so no hidden Fortran
   string lengths); B is overwritten with X, A with its factors. */
void dgesv_(const int *n, const int *nrhs, double *a, const int *lda, int *ipiv,
            double *b, const int *ldb, int *info);

#endif
