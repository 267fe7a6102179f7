/*
 * The few MPI calls LogitsDistributed needs, as functions Swift can import.
 *
 * Open MPI defines MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, MPI_IN_PLACE, ... as macros that take the
 * address of library globals, which Swift does not import; these static inline wrappers hide them.
 * Headers and libraries come from pkg-config `ompi-c` (Debian: libopenmpi-dev). Without them
 * (no <mpi.h> on the include path) every call returns LOGITS_MPI_UNAVAILABLE, so the package still
 * builds and `logits-mpi` says what to install.
 */
#ifndef LOGITS_CMPI_SHIM_H
#define LOGITS_CMPI_SHIM_H

#include <stddef.h>
#include <string.h>

#define LOGITS_MPI_UNAVAILABLE (-1)

#if __has_include(<mpi.h>)
#include <mpi.h>

static inline int logits_mpi_available(void) { return 1; }

/* MPI_Init_thread (MPI_THREAD_FUNNELED: only the main thread calls MPI) unless already initialized;
 * errors on MPI_COMM_WORLD are returned instead of aborting, so the caller can name the rank. */
static inline int logits_mpi_init(int *rank, int *size) {
    int initialized = 0, provided = 0, rc;
    MPI_Initialized(&initialized);
    if (!initialized) {
        rc = MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
        if (rc != MPI_SUCCESS) return rc;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    rc = MPI_Comm_rank(MPI_COMM_WORLD, rank);
    if (rc != MPI_SUCCESS) return rc;
    return MPI_Comm_size(MPI_COMM_WORLD, size);
}

static inline int logits_mpi_finalize(void) { return MPI_Finalize(); }

static inline int logits_mpi_allreduce_sum_float(float *buffer, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, buffer, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
}

static inline int logits_mpi_allreduce_sum_double(double *buffer, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, buffer, count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}

static inline int logits_mpi_broadcast_int(int *value, int root) {
    return MPI_Bcast(value, 1, MPI_INT, root, MPI_COMM_WORLD);
}

static inline int logits_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }

/* Ends every process of the job (mpirun kills the others) with `code`. */
static inline void logits_mpi_abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }

static inline double logits_mpi_wtime(void) { return MPI_Wtime(); }

/* The library's text for an error code, NUL-terminated in `buffer` (capacity `capacity`). */
static inline void logits_mpi_error_string(int code, char *buffer, int capacity) {
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    if (capacity <= 0) return;
    if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) length = 0;
    if (length >= capacity) length = capacity - 1;
    memcpy(buffer, text, (size_t)length);
    buffer[length] = 0;
}

#else  /* no MPI headers: stubs */

static inline int logits_mpi_available(void) { return 0; }
static inline int logits_mpi_init(int *rank, int *size) { *rank = 0; *size = 1; return LOGITS_MPI_UNAVAILABLE; }
static inline int logits_mpi_finalize(void) { return LOGITS_MPI_UNAVAILABLE; }
static inline int logits_mpi_allreduce_sum_float(float *buffer, int count) { (void)buffer; (void)count; return LOGITS_MPI_UNAVAILABLE; }
static inline int logits_mpi_allreduce_sum_double(double *buffer, int count) { (void)buffer; (void)count; return LOGITS_MPI_UNAVAILABLE; }
static inline int logits_mpi_broadcast_int(int *value, int root) { (void)value; (void)root; return LOGITS_MPI_UNAVAILABLE; }
static inline int logits_mpi_barrier(void) { return LOGITS_MPI_UNAVAILABLE; }
static inline void logits_mpi_abort(int code) { (void)code; }
static inline double logits_mpi_wtime(void) { return 0; }
static inline void logits_mpi_error_string(int code, char *buffer, int capacity) {
    (void)code;
    if (capacity > 0) strncpy(buffer, "built without Open MPI", (size_t)capacity - 1), buffer[capacity - 1] = 0;
}

#endif
#endif
