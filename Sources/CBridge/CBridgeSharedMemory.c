// Shared memory for the rings of `SharedMemoryTransport`: the file, its mapping, atomics on
// mapped memory, and futex waits, none of which Swift can reach directly.
#define _GNU_SOURCE
#include "CBridgeSharedMemory.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#endif

int cbridge_shared_memory_create(size_t size) {
#if defined(__linux__)
    int descriptor = memfd_create("swift-process-bridge", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (descriptor < 0) return -1;
    if (ftruncate(descriptor, (off_t)size) != 0 || fcntl(descriptor, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_SEAL) != 0) {
        int saved = errno;
        close(descriptor);
        errno = saved;
        return -1;
    }
    return descriptor;
#else
    (void)size;
    errno = ENOSYS;
    return -1;
#endif
}

void *cbridge_shared_memory_map(int descriptor, size_t size) {
    void *address = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0);
    return address == MAP_FAILED ? NULL : address;
}

void cbridge_shared_memory_unmap(void *address, size_t size) {
    munmap(address, size);
}

long long cbridge_file_size(int descriptor) {
    struct stat info;
    if (fstat(descriptor, &info) != 0) return -1;
    return (long long)info.st_size;
}

uint64_t cbridge_load_acquire_u64(const uint64_t *address) { return __atomic_load_n(address, __ATOMIC_ACQUIRE); }
void cbridge_store_release_u64(uint64_t *address, uint64_t value) { __atomic_store_n(address, value, __ATOMIC_RELEASE); }
uint32_t cbridge_load_u32(const uint32_t *address) { return __atomic_load_n(address, __ATOMIC_SEQ_CST); }
void cbridge_store_u32(uint32_t *address, uint32_t value) { __atomic_store_n(address, value, __ATOMIC_SEQ_CST); }
uint32_t cbridge_exchange_u32(uint32_t *address, uint32_t value) { return __atomic_exchange_n(address, value, __ATOMIC_SEQ_CST); }
uint32_t cbridge_fetch_add_u32(uint32_t *address, uint32_t value) { return __atomic_fetch_add(address, value, __ATOMIC_SEQ_CST); }
void cbridge_fence(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

void cbridge_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

void cbridge_yield(void) { sched_yield(); }

uint32_t cbridge_current_cpu(void) {
#if defined(__linux__)
    int cpu = sched_getcpu();
    return cpu < 0 ? UINT32_MAX : (uint32_t)cpu;
#else
    return UINT32_MAX;
#endif
}

uint32_t cbridge_allowed_cpu_count(void) {
#if defined(__linux__)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 0;
    return (uint32_t)CPU_COUNT(&set);
#else
    return 0;
#endif
}

int cbridge_futex_wait(uint32_t *address, uint32_t expected, long long timeout_nanoseconds) {
#if defined(__linux__)
    struct timespec timeout = { .tv_sec = timeout_nanoseconds / 1000000000LL, .tv_nsec = timeout_nanoseconds % 1000000000LL };
    long result = syscall(SYS_futex, address, FUTEX_WAIT, expected, &timeout, NULL, 0);
    return result == 0 ? 0 : -1;
#else
    (void)address; (void)expected; (void)timeout_nanoseconds;
    errno = ENOSYS;
    return -1;
#endif
}

void cbridge_futex_wake(uint32_t *address) {
#if defined(__linux__)
    syscall(SYS_futex, address, FUTEX_WAKE, 0x7fffffff, NULL, NULL, 0);
#else
    (void)address;
#endif
}

uint64_t cbridge_monotonic_nanoseconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
}
