#define _GNU_SOURCE
#include "CBridge.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <poll.h>
#if defined(__linux__)
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif
#if defined(__APPLE__)
#include <crt_externs.h>
#endif

extern char **environ;

char **cbridge_environment(void) {
#if defined(__APPLE__)
    return *_NSGetEnviron();
#else
    return environ;
#endif
}

// Points descriptor `target` (1 or 2) of the child at `source`: a descriptor, /dev/null, or
// the parent's own.
static int cbridge_redirect(posix_spawn_file_actions_t *actions, int source, int target) {
    if (source == CBRIDGE_OUTPUT_DISCARD) return posix_spawn_file_actions_addopen(actions, target, "/dev/null", O_WRONLY, 0);
    if (source >= 0) return posix_spawn_file_actions_adddup2(actions, source, target);
#if defined(__APPLE__)
    return posix_spawn_file_actions_addinherit_np(actions, target);
#else
    return 0;
#endif
}

int cbridge_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[], int bridge, int side, int descriptors, int shared, int output, int error) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    int result = posix_spawn_file_actions_init(&actions);
    if (result != 0) return result;
    result = posix_spawnattr_init(&attributes);
    if (result != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return result;
    }
    // The child starts with default signal handling and an empty mask, whatever the parent's
    // threads had set.
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attributes, &all);
    posix_spawnattr_setsigmask(&attributes, &none);
    short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
#if defined(__APPLE__)
    flags |= POSIX_SPAWN_CLOEXEC_DEFAULT;
#endif
    posix_spawnattr_setflags(&attributes, flags);

    // dup2 onto itself would keep close-on-exec set, and one descriptor must not land on
    // another's number before that one moves: one already at 3 to 6 moves above them all.
    int moved[4] = {-1, -1, -1, -1};
    int *passed[4] = {&bridge, &side, &descriptors, &shared};
    for (int index = 0; index < 4; index++) {
        int descriptor = *passed[index];
        if (descriptor < CBRIDGE_HOST_DESCRIPTOR || descriptor > CBRIDGE_SHARED_MEMORY_DESCRIPTOR) continue;
        moved[index] = fcntl(descriptor, F_DUPFD_CLOEXEC, CBRIDGE_SHARED_MEMORY_DESCRIPTOR + 1);
        if (moved[index] < 0) {
            result = errno;
            goto done;
        }
        *passed[index] = moved[index];
    }
    if ((result = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)) != 0) goto done;
    // Output first: a pipe may sit at 3 to 6, which the sockets take next.
    if ((result = cbridge_redirect(&actions, output, 1)) != 0) goto done;
    if ((result = cbridge_redirect(&actions, error, 2)) != 0) goto done;
    if ((result = posix_spawn_file_actions_adddup2(&actions, bridge, CBRIDGE_HOST_DESCRIPTOR)) != 0) goto done;
    if ((result = posix_spawn_file_actions_adddup2(&actions, side, CBRIDGE_SIDE_DESCRIPTOR)) != 0) goto done;
    if ((result = posix_spawn_file_actions_adddup2(&actions, descriptors, CBRIDGE_DESCRIPTOR_CHANNEL_DESCRIPTOR)) != 0) goto done;
    if (shared >= 0 && (result = posix_spawn_file_actions_adddup2(&actions, shared, CBRIDGE_SHARED_MEMORY_DESCRIPTOR)) != 0) goto done;
#if defined(__APPLE__)
    if ((result = posix_spawn_file_actions_addinherit_np(&actions, CBRIDGE_HOST_DESCRIPTOR)) != 0) goto done;
    if ((result = posix_spawn_file_actions_addinherit_np(&actions, CBRIDGE_SIDE_DESCRIPTOR)) != 0) goto done;
    if ((result = posix_spawn_file_actions_addinherit_np(&actions, CBRIDGE_DESCRIPTOR_CHANNEL_DESCRIPTOR)) != 0) goto done;
    if (shared >= 0 && (result = posix_spawn_file_actions_addinherit_np(&actions, CBRIDGE_SHARED_MEMORY_DESCRIPTOR)) != 0) goto done;
#else
    int first_closed = shared >= 0 ? CBRIDGE_SHARED_MEMORY_DESCRIPTOR + 1 : CBRIDGE_SHARED_MEMORY_DESCRIPTOR;
    if ((result = posix_spawn_file_actions_addclosefrom_np(&actions, first_closed)) != 0) goto done;
#endif
    result = posix_spawn(pid, path, &actions, &attributes, argv, envp);
done:
    for (int index = 0; index < 4; index++) {
        if (moved[index] >= 0) close(moved[index]);
    }
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    return result;
}

int cbridge_pipe(int fds[2]) {
#if defined(__linux__)
    return pipe2(fds, O_CLOEXEC);
#else
    if (pipe(fds) != 0) return -1;
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return 0;
#endif
}

void cbridge_line_buffer_stdout(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
}

int cbridge_set_parent_death_signal(int signal) {
#if defined(__linux__)
    return prctl(PR_SET_PDEATHSIG, signal, 0, 0, 0);
#else
    (void)signal;
    return 0;
#endif
}

int cbridge_parent_death_signal(void) {
#if defined(__linux__)
    int signal = 0;
    if (prctl(PR_GET_PDEATHSIG, &signal, 0, 0, 0) != 0) return 0;
    return signal;
#else
    return 0;
#endif
}

// Defined by BridgeHost (`@_cdecl`). Weak, so that a binary without BridgeHost still links
// and can say what is missing.
extern void swift_process_bridge_host_main(void) __attribute__((weak));

typedef void (*cbridge_initializer)(int, char **, char **);

#if defined(__ELF__)
// The bounds of the initializers of the module this file is linked into (the executable, or a
// shared library), defined by every ELF linker. Weak: a linker that defines them for
// executables only still links a shared library, which then serves as before.
extern const cbridge_initializer __init_array_start[] __attribute__((weak, visibility("hidden")));
extern const cbridge_initializer __init_array_end[] __attribute__((weak, visibility("hidden")));
#endif

static void cbridge_enter_host_mode_if_asked(int argc, char **argv, char **envp);

// Runs the initializers that the loader would run after this one, in its order. The host
// serves from inside this constructor, which never returns, so they run here or not at all.
// In a binary linked with --static-swift-stdlib, they are the Swift runtime's metadata and
// concurrency set-up, libdispatch's, ICU's and CoreFoundation's: all of the Swift libraries
// come after the package's objects on the link line. (Loaded libraries, as in a dynamically
// linked build, were initialized before the executable and are not in this list.)
static void cbridge_finish_initialization(int argc, char **argv, char **envp) {
#if defined(__ELF__)
    if (__init_array_start == NULL || __init_array_end == NULL) return;
    const cbridge_initializer *entry = __init_array_start;
    while (entry < __init_array_end && *entry != cbridge_enter_host_mode_if_asked) entry++;
    if (entry == __init_array_end) return;  // Not listed here (a constructor section of another kind).
    for (entry++; entry < __init_array_end; entry++) (*entry)(argc, argv, envp);
#else
    // Mach-O: dyld initializes every image this one depends on first.
    (void)argc; (void)argv; (void)envp;
#endif
}

// Runs during start-up, before `main` (and before XCTest or Swift Testing in a test binary): a
// binary started as a host finishes its initialization, serves, and exits here, so no code of
// the program's own `main` ever runs in it. glibc passes a constructor the arguments of
// `main`; musl passes none, and then the values forwarded are as undefined as they would be.
__attribute__((constructor)) static void cbridge_enter_host_mode_if_asked(int argc, char **argv, char **envp) {
    if (getenv(CBRIDGE_HOST_VARIABLE) == NULL) return;
    if (swift_process_bridge_host_main == NULL) {
        fprintf(stderr,
                "swift-process-bridge: this binary was started as a bridge host, but it does not "
                "link the BridgeHost module. Depend on the `Bridge` product (which includes it), "
                "or unset " CBRIDGE_HOST_VARIABLE ".\n");
        _exit(70);
    }
    // Before the other initializers, which may start threads: see CBridgeIsolation.c.
    cbridge_isolate_at_entry();
    cbridge_finish_initialization(argc, argv, envp);
    swift_process_bridge_host_main();
    _exit(70);  // The host entry never returns.
}

const char *cbridge_directory_entry_name(const struct dirent *entry) {
    return entry->d_name;
}

short cbridge_poll_peer_closed(void) {
#if defined(__linux__)
    return POLLRDHUP;
#else
    return POLLHUP;
#endif
}

int cbridge_eventfd(void) {
#if defined(__linux__)
    return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int cbridge_process_exit_descriptor(pid_t pid) {
#if defined(__linux__)
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434  // the same number on every Linux architecture
#endif
    // pidfd_open sets close-on-exec itself.
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}
