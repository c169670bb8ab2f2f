// Descriptor passing over a Unix stream socket (SCM_RIGHTS): the control-message macros are
// C macros, which Swift cannot call.
#define _GNU_SOURCE
#include "CBridgeDescriptorPassing.h"

#include <errno.h>
#include <poll.h>
#include <time.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#if defined(__linux__)
#define CBRIDGE_SEND_FLAGS MSG_NOSIGNAL
#define CBRIDGE_RECEIVE_FLAGS MSG_CMSG_CLOEXEC
#else
#define CBRIDGE_SEND_FLAGS 0  // SO_NOSIGPIPE is set on the socket
#define CBRIDGE_RECEIVE_FLAGS 0  // FD_CLOEXEC is set after receiving
#endif

typedef union {
    struct cmsghdr align;
    char bytes[CMSG_SPACE(sizeof(int) * CBRIDGE_MAX_DESCRIPTORS_PER_MESSAGE)];
} cbridge_control;

// Milliseconds on a monotonic clock, for a wait that a poll interrupted or woke early.
static long long cbridge_now_milliseconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

int cbridge_send_record(int socket, const void *bytes, size_t count,
                        const int *descriptors, int descriptor_count, int timeout_milliseconds) {
    if (descriptor_count < 0 || descriptor_count > CBRIDGE_MAX_DESCRIPTORS_PER_MESSAGE || count == 0) {
        errno = EINVAL;
        return -1;
    }
    struct iovec vector = { .iov_base = (void *)bytes, .iov_len = count };
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    cbridge_control control;
    if (descriptor_count > 0) {
        memset(&control, 0, sizeof control);
        message.msg_control = control.bytes;
        message.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)descriptor_count);
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)descriptor_count);
        memcpy(CMSG_DATA(header), descriptors, sizeof(int) * (size_t)descriptor_count);
    }
    long long deadline = timeout_milliseconds < 0 ? -1 : cbridge_now_milliseconds() + timeout_milliseconds;
    while (1) {
        ssize_t sent = sendmsg(socket, &message, CBRIDGE_SEND_FLAGS | MSG_DONTWAIT);
        if (sent == (ssize_t)count) return 0;
        if (sent >= 0) {
            // A record is a few bytes, which a stream socket takes whole or not at all.
            errno = EMSGSIZE;
            return -1;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
        int wait = -1;
        if (deadline >= 0) {
            long long left = deadline - cbridge_now_milliseconds();
            if (left <= 0) {
                errno = ETIMEDOUT;
                return -1;
            }
            wait = left > 1000000 ? 1000000 : (int)left;
        }
        struct pollfd room = { .fd = socket, .events = POLLOUT };
        if (poll(&room, 1, wait) < 0 && errno != EINTR) return -1;
    }
}

ssize_t cbridge_receive_with_descriptors(int socket, void *bytes, size_t count,
                                         int *descriptors, int *descriptor_count, int *truncated, int wait) {
    struct iovec vector = { .iov_base = bytes, .iov_len = count };
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    cbridge_control control;
    message.msg_control = control.bytes;
    message.msg_controllen = sizeof control.bytes;
    *descriptor_count = 0;
    *truncated = 0;
    ssize_t received = recvmsg(socket, &message, CBRIDGE_RECEIVE_FLAGS | (wait ? 0 : MSG_DONTWAIT));
    if (received < 0) return received;
    if (message.msg_flags & MSG_CTRUNC) *truncated = 1;
    if (message.msg_controllen == 0) return received;  // the usual case: bytes alone
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header != NULL; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
        size_t carried = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t index = 0; index < carried; index++) {
            int descriptor;
            memcpy(&descriptor, CMSG_DATA(header) + index * sizeof(int), sizeof descriptor);
            if (*descriptor_count < CBRIDGE_MAX_DESCRIPTORS_PER_MESSAGE) {
#if !defined(__linux__)
                fcntl(descriptor, F_SETFD, FD_CLOEXEC);
#endif
                descriptors[(*descriptor_count)++] = descriptor;
            } else {
                close(descriptor);  // cannot happen with SCM_MAX_FD; never leaked if it does
                *truncated = 1;
            }
        }
    }
    return received;
}
