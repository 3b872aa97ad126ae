/* Does OpenBLAS's sgemm give bit-identical results on 1 and 2 threads? For the GEMM shapes of
 * the demo CNN's training step at several batch sizes (conv forward, conv weight and column
 * gradients, the FC layers), prints "identical" or "DIFFERENT" per shape.
 * Build and run: gcc -O1 benchmarks/perf/openblas_thread_identity.c \
 *   -I/usr/include/x86_64-linux-gnu/openblas-pthread -lopenblas -o /tmp/oti && /tmp/oti
 * (docs/performance.md, section 4). */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
extern void openblas_set_num_threads(int);
static int run(int tA, int tB, int m, int n, int k) {
  float *a = malloc(sizeof(float)*m*k), *b = malloc(sizeof(float)*k*n), *c1 = malloc(sizeof(float)*m*n), *c2 = malloc(sizeof(float)*m*n);
  srand(1); for (int i=0;i<m*k;i++) a[i]=rand()/(float)RAND_MAX-0.5f; for (int i=0;i<k*n;i++) b[i]=rand()/(float)RAND_MAX-0.5f;
  int lda = tA ? m : k, ldb = tB ? k : n;
  openblas_set_num_threads(1);
  cblas_sgemm(CblasRowMajor, tA?CblasTrans:CblasNoTrans, tB?CblasTrans:CblasNoTrans, m,n,k,1,a,lda,b,ldb,0,c1,n);
  openblas_set_num_threads(2);
  cblas_sgemm(CblasRowMajor, tA?CblasTrans:CblasNoTrans, tB?CblasTrans:CblasNoTrans, m,n,k,1,a,lda,b,ldb,0,c2,n);
  int diff = memcmp(c1,c2,sizeof(float)*m*n)!=0;
  printf("%s%s m=%d n=%d k=%d: %s\n", tA?"T":"N", tB?"T":"N", m,n,k, diff?"DIFFERENT":"identical");
  return diff;
}
int main() {
  int batches[] = {4, 8, 16, 64, 128, 256};
  for (int i=0;i<6;i++) { int N=batches[i];
    printf("batch %d\n", N);
    run(0,0,16,N*784,9); run(0,0,32,N*196,144);          /* conv forward */
    run(0,1,16,9,N*784); run(0,1,32,144,N*196);          /* dW = G colsT */
    run(1,0,144,N*196,32);                                /* dcols = WT G */
    run(0,1,N,128,1568); run(0,1,N,10,128);               /* FC forward x WT */
    run(1,0,128,1568,N); run(1,0,10,128,N);               /* FC dW = dYT X */
    run(0,0,N,1568,128);                                  /* FC dX */
  }
}
