#define _GNU_SOURCE
#include "CBridgeIsolation.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__linux__)
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#endif

// Why this happens here, in C, before `main`: `unshare` moves only the calling thread into the
// new namespaces, and PR_SET_NO_NEW_PRIVS sets the calling thread's flag alone. A host that
// serves already has several threads (the main thread, the concurrency pool), and a thread left
// in the parent's namespaces would let the real object's code, run on it, reach the network
// and write files. The host's constructor runs while the process still has its one thread, so
// everything asked for here is inherited by every thread the host ever has. The parent passes
// the request in the environment, since the hello arrives too late; the host checks the result
// against the hello once it has read it (BridgeHost/Confinement).

static struct cbridge_isolation_outcome outcome;

const struct cbridge_isolation_outcome *cbridge_isolation_outcome(void) {
    return &outcome;
}

const char *cbridge_isolation_failed_call(void) {
    return outcome.failed_call;
}

const char *cbridge_isolation_subject(void) {
    return outcome.subject;
}

// Records the first failure; returns -1 for the caller to return.
static int cbridge_isolation_failed(const char *call, const char *subject, int error) {
    snprintf(outcome.failed_call, sizeof outcome.failed_call, "%s", call);
    snprintf(outcome.subject, sizeof outcome.subject, "%s", subject ? subject : "");
    outcome.error = error;
    return -1;
}

#if defined(__linux__)

// Counts this process's threads; 0 if /proc cannot tell.
static int cbridge_thread_count(void) {
    DIR *tasks = opendir("/proc/self/task");
    if (tasks == NULL) return 0;
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(tasks)) != NULL) {
        if (entry->d_name[0] != '.') count++;
    }
    closedir(tasks);
    return count;
}

static int cbridge_write_file(const char *path, const char *text) {
    int descriptor = open(path, O_WRONLY | O_CLOEXEC);
    if (descriptor < 0) return -1;
    size_t length = strlen(text);
    ssize_t written;
    do {
        written = write(descriptor, text, length);
    } while (written < 0 && errno == EINTR);
    int error = errno;
    close(descriptor);
    errno = error;
    return written == (ssize_t)length ? 0 : -1;
}

// Maps this process's user and group, and no other, into its new user namespace, as
// bubblewrap does for an unprivileged sandbox: the host keeps its ids. `setgroups` must be
// denied first, or the kernel refuses an unprivileged gid_map.
static int cbridge_map_own_ids(uid_t user, gid_t group) {
    char line[64];
    if (cbridge_write_file("/proc/self/setgroups", "deny") != 0 && errno != ENOENT) {
        return cbridge_isolation_failed("write", "/proc/self/setgroups", errno);
    }
    snprintf(line, sizeof line, "%u %u 1\n", (unsigned)user, (unsigned)user);
    if (cbridge_write_file("/proc/self/uid_map", line) != 0) return cbridge_isolation_failed("write", "/proc/self/uid_map", errno);
    snprintf(line, sizeof line, "%u %u 1\n", (unsigned)group, (unsigned)group);
    if (cbridge_write_file("/proc/self/gid_map", line) != 0) return cbridge_isolation_failed("write", "/proc/self/gid_map", errno);
    return 0;
}

int cbridge_interface_flags(const char *name) {
    int probe = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (probe < 0) return -1;
    struct ifreq request;
    memset(&request, 0, sizeof request);
    snprintf(request.ifr_name, sizeof request.ifr_name, "%s", name);
    int result = ioctl(probe, SIOCGIFFLAGS, &request);
    int error = errno;
    close(probe);
    errno = error;
    return result < 0 ? -1 : (int)(unsigned short)request.ifr_flags;
}

// A new network namespace has a loopback interface, down: brought up, code in the host can
// still talk to itself over 127.0.0.1, and to nothing else.
static int cbridge_bring_up_loopback(void) {
    int probe = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (probe < 0) return cbridge_isolation_failed("socket(AF_INET)", "", errno);
    struct ifreq request;
    memset(&request, 0, sizeof request);
    snprintf(request.ifr_name, sizeof request.ifr_name, "lo");
    int result = ioctl(probe, SIOCGIFFLAGS, &request);
    if (result == 0) {
        request.ifr_flags |= IFF_UP;
        result = ioctl(probe, SIOCSIFFLAGS, &request);
    }
    int error = errno;
    close(probe);
    return result == 0 ? 0 : cbridge_isolation_failed("ioctl(SIOCSIFFLAGS, IFF_UP)", "lo", error);
}

// The whole of a small file such as /proc/self/mountinfo, NUL-terminated; NULL with errno set.
static char *cbridge_read_whole_file(const char *path) {
    int descriptor = open(path, O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) return NULL;
    size_t size = 0, capacity = 16384;
    char *text = malloc(capacity);
    while (text != NULL) {
        if (capacity - size < 4096) {
            char *larger = realloc(text, capacity *= 2);
            if (larger == NULL) {
                free(text);
                text = NULL;
                errno = ENOMEM;
                break;
            }
            text = larger;
        }
        ssize_t count = read(descriptor, text + size, capacity - size - 1);
        if (count < 0 && errno == EINTR) continue;
        if (count < 0) {
            free(text);
            text = NULL;
            break;
        }
        if (count == 0) {
            text[size] = 0;
            break;
        }
        size += (size_t)count;
    }
    int error = errno;
    close(descriptor);
    errno = error;
    return text;
}

// Undoes mountinfo's escapes (\040 for a space, \011, \012, \134) in place.
static void cbridge_unescape_octal(char *text) {
    char *out = text;
    for (char *in = text; *in; in++) {
        if (in[0] == '\\' && in[1] >= '0' && in[1] <= '7' && in[2] >= '0' && in[2] <= '7' && in[3] >= '0' && in[3] <= '7') {
            *out++ = (char)(((in[1] - '0') << 6) | ((in[2] - '0') << 3) | (in[3] - '0'));
            in += 3;
        } else {
            *out++ = *in;
        }
    }
    *out = 0;
}

// The per-mount flags in mountinfo's sixth field, as `mount` takes them. A read-only remount
// must repeat them: in a user namespace the kernel refuses to clear nosuid, nodev, noexec or
// the atime flags of a mount it inherited (they are locked), and as root leaving them out would
// loosen the mount (a nosuid /tmp would lose nosuid).
static unsigned long cbridge_mount_flags(char *options) {
    static const struct { const char *name; unsigned long flag; } known[] = {
        {"ro", MS_RDONLY}, {"nosuid", MS_NOSUID}, {"nodev", MS_NODEV}, {"noexec", MS_NOEXEC},
        {"noatime", MS_NOATIME}, {"nodiratime", MS_NODIRATIME}, {"relatime", MS_RELATIME},
    };
    unsigned long flags = 0;
    char *saved = NULL;
    for (char *option = strtok_r(options, ",", &saved); option; option = strtok_r(NULL, ",", &saved)) {
        for (size_t index = 0; index < sizeof known / sizeof known[0]; index++) {
            if (strcmp(option, known[index].name) == 0) flags |= known[index].flag;
        }
    }
    return flags;
}

// Whether `path` is `directory` or lies under it.
static int cbridge_is_within(const char *path, const char *directory) {
    size_t length = strlen(directory);
    if (length == 1 && directory[0] == '/') return 1;
    return strncmp(path, directory, length) == 0 && (path[length] == 0 || path[length] == '/');
}

// Remounts read-only every mount this namespace sees but those at or under a writable path.
// Each remount is MS_REMOUNT | MS_BIND: it changes that one mount's flags, never its file
// system's (a remount without MS_BIND would make the file system itself read-only, for the
// parent and every other process too).
static int cbridge_remount_read_only(char **writable, int count) {
    char *table = cbridge_read_whole_file("/proc/self/mountinfo");
    if (table == NULL) return cbridge_isolation_failed("read", "/proc/self/mountinfo", errno);
    int result = 0;
    char *saved_line = NULL;
    for (char *line = strtok_r(table, "\n", &saved_line); line && result == 0; line = strtok_r(NULL, "\n", &saved_line)) {
        // id parent major:minor root mount-point options ...
        char *fields[6] = {0};
        char *saved_field = NULL;
        char *field = strtok_r(line, " ", &saved_field);
        for (int index = 0; index < 6 && field; index++, field = strtok_r(NULL, " ", &saved_field)) fields[index] = field;
        if (fields[5] == NULL) continue;
        char *mount_point = fields[4];
        cbridge_unescape_octal(mount_point);
        int kept = 0;
        for (int index = 0; index < count && !kept; index++) kept = cbridge_is_within(mount_point, writable[index]);
        if (kept) continue;
        unsigned long flags = cbridge_mount_flags(fields[5]);
        if (flags & MS_RDONLY) continue;  // read-only already (as bubblewrap, no remount)
        if (mount("none", mount_point, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | flags, NULL) != 0) {
            // A mount point this process cannot reach by its path (EACCES: a directory it may
            // not search; ENOENT: hidden under a later mount) cannot be written through either,
            // as bubblewrap reasons too. The host checks every reachable one afterwards.
            if (errno == EACCES || errno == ENOENT) continue;
            result = cbridge_isolation_failed("mount(MS_REMOUNT | MS_BIND | MS_RDONLY)", mount_point, errno);
        }
    }
    free(table);
    return result;
}

// A read-only view of every file system, but `writable`: in the new mount namespace, each
// writable path is bind-mounted onto itself (so it is a mount of its own, which keeps its
// flags), then every other mount is remounted read-only. Done in place rather than by building
// a new root and pivoting into it, as bubblewrap does: the host must see the paths the parent
// sees (its executable, libraries, the files its calls name), so the whole tree stays.
static int cbridge_read_only_world(char **writable, int count) {
    // First, nothing done here may reach the parent's namespace: with shared propagation (the
    // default under systemd) the bind mounts below would appear in the parent's mount table.
    if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) return cbridge_isolation_failed("mount(MS_REC | MS_PRIVATE)", "/", errno);
    for (int index = 0; index < count; index++) {
        char *resolved = realpath(writable[index], NULL);
        if (resolved == NULL) return cbridge_isolation_failed("realpath", writable[index], errno);
        free(writable[index]);
        writable[index] = resolved;  // mountinfo names mount points by their resolved paths
        // MS_REC: mounts under a writable path stay as they were, writable too.
        if (mount(resolved, resolved, NULL, MS_BIND | MS_REC, NULL) != 0) {
            return cbridge_isolation_failed("mount(MS_BIND | MS_REC)", resolved, errno);
        }
    }
    return cbridge_remount_read_only(writable, count);
}

// In a user namespace the host holds every capability until now, which would let code in it
// remount its world writable: emptied while the process has one thread, the sets are empty on
// every thread it starts.
static int cbridge_drop_capabilities(void) {
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &header, data) != 0) return cbridge_isolation_failed("capset", "", errno);
    return 0;
}

// Decodes a hexadecimal path; NULL with errno set.
static char *cbridge_decode_hex(const char *hex, size_t length) {
    if (length % 2 != 0) {
        errno = EINVAL;
        return NULL;
    }
    char *path = malloc(length / 2 + 1);
    if (path == NULL) return NULL;
    for (size_t index = 0; index < length / 2; index++) {
        unsigned value;
        if (sscanf(hex + 2 * index, "%2x", &value) != 1) {
            free(path);
            errno = EINVAL;
            return NULL;
        }
        path[index] = (char)value;
    }
    path[length / 2] = 0;
    return path;
}

static int cbridge_isolate(int flags, char **writable, int count) {
    if (flags & (CBRIDGE_ISOLATE_NETWORK | CBRIDGE_ISOLATE_FILESYSTEM)) {
        int threads = cbridge_thread_count();
        if (threads > 1) {
            char call[160];
            snprintf(call, sizeof call, "unshare (the host already had %d threads, which would keep the parent's namespaces)", threads);
            return cbridge_isolation_failed(call, "", 0);
        }
        int namespaces = 0;
        const char *call = "unshare(CLONE_NEWNET)";
        if (flags & CBRIDGE_ISOLATE_NETWORK) namespaces |= CLONE_NEWNET;
        if (flags & CBRIDGE_ISOLATE_FILESYSTEM) namespaces |= CLONE_NEWNS;
        if (namespaces == CLONE_NEWNS) call = "unshare(CLONE_NEWNS)";
        if (namespaces == (CLONE_NEWNET | CLONE_NEWNS)) call = "unshare(CLONE_NEWNET | CLONE_NEWNS)";
        uid_t user = geteuid();
        gid_t group = getegid();
        if (flags & CBRIDGE_ISOLATE_USER_NAMESPACE) {
            // A separate call first, so that a kernel without unprivileged user namespaces is
            // named as such.
            if (unshare(CLONE_NEWUSER) != 0) return cbridge_isolation_failed("unshare(CLONE_NEWUSER)", "", errno);
            if (cbridge_map_own_ids(user, group) != 0) return -1;
        }
        if (unshare(namespaces) != 0) return cbridge_isolation_failed(call, "", errno);
        if ((flags & CBRIDGE_ISOLATE_NETWORK) && cbridge_bring_up_loopback() != 0) return -1;
        if ((flags & CBRIDGE_ISOLATE_FILESYSTEM) && cbridge_read_only_world(writable, count) != 0) return -1;
        if ((flags & CBRIDGE_ISOLATE_USER_NAMESPACE) && cbridge_drop_capabilities() != 0) return -1;
    }
    if ((flags & CBRIDGE_ISOLATE_NO_NEW_PRIVILEGES) && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        return cbridge_isolation_failed("prctl(PR_SET_NO_NEW_PRIVS)", "", errno);
    }
    return 0;
}

void cbridge_isolate_at_entry(void) {
    const char *value = getenv(CBRIDGE_ISOLATION_VARIABLE);
    if (value == NULL) return;
    char *copy = strdup(value);
    unsetenv(CBRIDGE_ISOLATION_VARIABLE);  // no code in the host, and no process it starts, sees it
    if (copy == NULL) {
        outcome.requested = -1;
        return;
    }
    char *end = NULL;
    long flags = strtol(copy, &end, 10);
    int count = 0;
    char **writable = calloc(strlen(copy) / 2 + 1, sizeof(char *));
    int readable = writable != NULL && end != copy && flags >= 0 && (*end == 0 || *end == ':');
    for (char *next = end; readable && next && *next == ':'; count++) {
        char *start = next + 1;
        next = strchr(start, ':');
        writable[count] = cbridge_decode_hex(start, next ? (size_t)(next - start) : strlen(start));
        readable = writable[count] != NULL;
    }
    if (readable) {
        outcome.requested = (int)flags;
        cbridge_isolate((int)flags, writable, count);
    } else {
        outcome.requested = -1;
    }
    for (int index = 0; writable && index < count; index++) free(writable[index]);
    free(writable);
    free(copy);
}

int cbridge_no_new_privileges(void) {
    return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
}

#else

void cbridge_isolate_at_entry(void) {
    const char *value = getenv(CBRIDGE_ISOLATION_VARIABLE);
    if (value == NULL) return;
    outcome.requested = atoi(value);
    unsetenv(CBRIDGE_ISOLATION_VARIABLE);
    // The parent refuses these options where there are no namespaces; a hand-set variable
    // ends here.
    if (outcome.requested != 0) cbridge_isolation_failed("isolation (this system has no namespaces)", "", ENOSYS);
}

int cbridge_interface_flags(const char *name) {
    (void)name;
    errno = ENOSYS;
    return -1;
}

int cbridge_no_new_privileges(void) {
    errno = ENOSYS;
    return -1;
}

#endif
