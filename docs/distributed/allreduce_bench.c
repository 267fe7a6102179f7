/* MPI_Allreduce (in place, MPI_SUM) of the 784-512-256-10 MLP's 535 819 floats (gradients + loss slot), as logits-mpi does per step.
 * mpicc -O2 allreduce_bench.c -o /tmp/allreduce_bench && mpirun --oversubscribe -np 2 /tmp/allreduce_bench */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
int main(int c, char**v){MPI_Init(&c,&v);int r,s;MPI_Comm_rank(MPI_COMM_WORLD,&r);MPI_Comm_size(MPI_COMM_WORLD,&s);
int n=535819, it=100; float *b=malloc(n*sizeof(float)); for(int i=0;i<n;i++)b[i]=1e-3f*i;
for(int k=0;k<5;k++) MPI_Allreduce(MPI_IN_PLACE,b,n,MPI_FLOAT,MPI_SUM,MPI_COMM_WORLD);
MPI_Barrier(MPI_COMM_WORLD); double t=MPI_Wtime();
for(int k=0;k<it;k++) MPI_Allreduce(MPI_IN_PLACE,b,n,MPI_FLOAT,MPI_SUM,MPI_COMM_WORLD);
t=(MPI_Wtime()-t)/it; if(r==0)printf("np %d: allreduce of %d floats (%.2f MB): %.3f ms per call\n",s,n,n*4/1e6,t*1e3);
MPI_Finalize();}
