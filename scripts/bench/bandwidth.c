// Memory read bandwidth as decode sees it: N threads each stream their own slice of a buffer
// far larger than the last-level cache with 64-byte loads; prints the best of several passes
// in bytes per second. The buffer asks for transparent huge pages, as Nerve's packed weights do
// (streaming from 4 KiB pages measured ~10% slower here), so the bound is not set low.
// Used by scripts/bench/engine for the decode bandwidth bound.
// Usage: bandwidth THREADS [MiB]   (default 1024 MiB)
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

typedef uint64_t v8 __attribute__((vector_size(64)));

static long bytes, threads;
static char *buffer;
static pthread_barrier_t barrier;
static double best = 1e30;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *stream(void *arg) {
    const long id = (long)arg, per = bytes / threads;
    const v8 *p = (const v8 *)(buffer + id * per);
    v8 a = {0}, b = {0}, c = {0}, d = {0};
    for (int pass = 0; pass < 12; pass++) {
        pthread_barrier_wait(&barrier);
        const double t0 = now();
        for (long i = 0; i < per / 64; i += 4) {
            a ^= p[i];
            b ^= p[i + 1];
            c ^= p[i + 2];
            d ^= p[i + 3];
        }
        pthread_barrier_wait(&barrier);
        const double t = now() - t0;
        if (id == 0 && t < best) best = t;
    }
    v8 s = a ^ b ^ c ^ d;
    volatile uint64_t sink = s[0];
    (void)sink;
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: bandwidth THREADS [MiB]\n");
        return 2;
    }
    threads = atol(argv[1]);
    bytes = (argc > 2 ? atol(argv[2]) : 1024) << 20;
    if (threads < 1 || threads > 64 || bytes < (1 << 20)) return 2;
    bytes -= bytes % (threads * 256);
    const long huge = 2l << 20;
    char *raw = mmap(0, bytes + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return 1;
    buffer = raw + (huge - (long)((unsigned long)raw % huge)) % huge;
    madvise(buffer, bytes, MADV_HUGEPAGE);
    memset(buffer, 1, bytes);
    pthread_barrier_init(&barrier, 0, threads);
    pthread_t th[64];
    for (long i = 1; i < threads; i++) pthread_create(&th[i], 0, stream, (void *)i);
    stream(0);
    for (long i = 1; i < threads; i++) pthread_join(th[i], 0);
    printf("%.0f\n", bytes / best);
    return 0;
}
