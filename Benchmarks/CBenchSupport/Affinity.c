// CPU affinity for the benchmark's placements: the glibc calls and cpu_set_t macros that
// Swift cannot see.
#define _GNU_SOURCE
#include "CBenchSupport.h"
#include <errno.h>

#if defined(__linux__)
#include <sched.h>
#include <unistd.h>

int bench_exec_pinned(unsigned long mask, char *const argv[]) {
    cpu_set_t before;
    if (sched_getaffinity(0, sizeof before, &before) != 0) return errno;
    int failure = bench_pin_thread(0, mask);
    if (failure != 0) return failure;
    execv("/proc/self/exe", argv);
    failure = errno;
    sched_setaffinity(0, sizeof before, &before);  // the caller goes on as it was
    return failure;
}

int bench_pin_thread(pid_t tid, unsigned long mask) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int cpu = 0; cpu < (int)(8 * sizeof mask); cpu++) {
        if (mask & (1UL << cpu)) CPU_SET(cpu, &set);
    }
    return sched_setaffinity(tid, sizeof set, &set) == 0 ? 0 : errno;
}

unsigned long bench_allowed_cpus(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 0;
    unsigned long mask = 0;
    for (int cpu = 0; cpu < (int)(8 * sizeof mask); cpu++) {
        if (CPU_ISSET(cpu, &set)) mask |= 1UL << cpu;
    }
    return mask;
}
#else
int bench_exec_pinned(unsigned long mask, char *const argv[]) { (void)mask; (void)argv; return ENOSYS; }
int bench_pin_thread(pid_t tid, unsigned long mask) { (void)tid; (void)mask; return ENOSYS; }
unsigned long bench_allowed_cpus(void) { return 0; }
#endif
