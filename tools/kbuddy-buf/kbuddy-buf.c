// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy-buf - buffers of kbuddy's pools from userspace, through
 * /dev/kbuddy and dma-bufs (include/uapi/kbuddy.h). Built static, so that
 * it runs in the test VM's busybox initramfs.
 *
 *   kbuddy-buf info
 *   kbuddy-buf pools                list the offered pools (KBUDDY_IOC_POOL)
 *   kbuddy-buf roundtrip SIZE [--topdown] [--align A] [--boundary B]
 *                             [--range START:END]
 *   kbuddy-buf hold SIZE N [...]    allocate N buffers (roundtrip's options),
 *                                   map and fill them, wait
 *   kbuddy-buf revoked SIZE N [...] as hold, then on SIGUSR1 check that
 *                                   every buffer was revoked (its mapping
 *                                   faults with SIGBUS, a new mmap() fails
 *                                   with ENODEV): exit 0 if all were
 *   kbuddy-buf refused              every bad request: its errno, nothing held
 *   kbuddy-buf limit                allocate to the per-open limit and past it
 *   kbuddy-buf memtype PHYS SIZE    the memory type x86's PAT tracks for each
 *                                   page of RAM in [PHYS, PHYS + SIZE), from
 *                                   /proc/kpageflags (root): prints
 *                                   "wb=N wc=N other=N" (pages; a
 *                                   hole with no struct page is other)
 *
 * Options for every command: --pool ID allocates from the pool offered as
 * ID (default 0, the default pool); --wc asks for roundtrip's and hold's
 * buffers write-combined (KBUDDY_BUF_WC: only pools listed wc=1, whose
 * buffers are write-combined asked or not). roundtrip says
 * "write-combined" when the reply's flags say the buffer is.
 *
 * roundtrip: allocate, check the buffer is zeroed, write a pattern, pass
 * the fd to another process over a socket (SCM_RIGHTS), which maps it,
 * checks the pattern and writes another, and check that one; then close.
 * Sizes take K, M and G suffixes. Prints "ok ..." and exits 0 on success;
 * a line saying what went wrong and exits 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../include/uapi/kbuddy.h"

static const char *dev_path = "/dev/kbuddy";
/* --pool and --wc */
static uint64_t opt_pool;
static int opt_wc;

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "kbuddy-buf: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "%s%s\n", errno ? ": " : "", errno ? strerror(errno) : "");
	exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: kbuddy-buf [--pool ID] [--wc] COMMAND ...\n"
		"       kbuddy-buf info\n"
		"       kbuddy-buf pools\n"
		"       kbuddy-buf roundtrip SIZE [--topdown] [--align A] [--boundary B] [--range START:END]\n"
		"       kbuddy-buf hold SIZE N [--topdown] [--align A] [--boundary B] [--range START:END]\n"
		"       kbuddy-buf revoked SIZE N [--topdown] [--align A] [--boundary B] [--range START:END]\n"
		"       kbuddy-buf refused\n"
		"       kbuddy-buf limit\n"
		"       kbuddy-buf memtype PHYS SIZE\n");
	exit(2);
}

static uint64_t parse_size(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		usage();
	switch (*end) {
	case 'G': case 'g': v <<= 10; /* fall through */
	case 'M': case 'm': v <<= 10; /* fall through */
	case 'K': case 'k': v <<= 10; end++; break;
	}
	if (*end)
		usage();
	return v;
}

static int open_dev(void)
{
	int fd = open(dev_path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("cannot open %s", dev_path);
	return fd;
}

static void info(int dev, struct kbuddy_buf_info *in)
{
	memset(in, 0, sizeof(*in));
	if (ioctl(dev, KBUDDY_IOC_INFO, in))
		die("KBUDDY_IOC_INFO%s", "");
}

/* Allocate (from --pool unless @a names a pool): the dma-buf fd, or -errno. */
static int alloc_buf(int dev, struct kbuddy_buf_alloc *a)
{
	if (!a->pool)
		a->pool = opt_pool;
	return ioctl(dev, KBUDDY_IOC_ALLOC, a) ? -errno : a->fd;
}

/* KBUDDY_IOC_POOL: 0 or -errno. */
static int pool_info(int dev, uint32_t id, uint32_t flags, struct kbuddy_pool_info *pi)
{
	memset(pi, 0, sizeof(*pi));
	pi->id = id;
	pi->flags = flags;
	return ioctl(dev, KBUDDY_IOC_POOL, pi) ? -errno : 0;
}

/* The --pool pool: it must exist. */
static void this_pool(int dev, struct kbuddy_pool_info *pi)
{
	int err = pool_info(dev, opt_pool ? opt_pool : 1, 0, pi);

	if (err) {
		errno = -err;
		die("KBUDDY_IOC_POOL of the pool%s", "");
	}
}

static const char *kind_name(uint32_t kind)
{
	return kind == KBUDDY_POOL_KIND_RAM ? "ram" :
	       kind == KBUDDY_POOL_KIND_IOMEM ? "iomem" :
	       kind == KBUDDY_POOL_KIND_NOMAP ? "nomap" : "unknown";
}

/* Every offered pool, one line each. */
static int pools(void)
{
	struct kbuddy_pool_info pi;
	int dev = open_dev(), err;
	uint32_t id = 0;

	while (!(err = pool_info(dev, id, KBUDDY_POOL_NEXT, &pi))) {
		printf("%u %s kind=%s total_bytes=%llu free_bytes=%llu wc=%d\n", pi.id,
		       pi.name, kind_name(pi.kind), (unsigned long long)pi.total_bytes,
		       (unsigned long long)pi.free_bytes, !!(pi.caps & KBUDDY_POOL_CAP_WC));
		if (pi.id <= id)
			die("KBUDDY_IOC_POOL: the listing went backwards%s", "");
		id = pi.id;
	}
	if (err != -ENOENT) {
		errno = -err;
		die("KBUDDY_IOC_POOL%s", "");
	}
	return 0;
}

static unsigned char pattern(size_t i, unsigned int seed)
{
	return (unsigned char)((i * 31 + (i >> 12) * 7 + seed) ^ (seed >> 3));
}

static uint8_t *map(int fd, size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		die("mmap of a dma-buf%s", "");
	return p;
}

static size_t first_mismatch(const uint8_t *p, size_t size, unsigned int seed)
{
	size_t i;

	for (i = 0; i < size; i++)
		if (p[i] != pattern(i, seed))
			return i;
	return SIZE_MAX;
}

static void send_fd(int sock, int fd)
{
	char c = 'f', ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(sock, &msg, 0) != 1)
		die("sendmsg%s", "");
}

static int recv_fd(int sock)
{
	char c, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		die("recvmsg%s", "");
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		die("no fd received%s", "");
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* The other process: map what it is sent, check pattern 1, write pattern 2. */
static int peer(int sock, size_t size)
{
	int fd = recv_fd(sock);
	uint8_t *p = map(fd, size);
	size_t i, bad = first_mismatch(p, size, 1);
	char r = 'y';

	if (bad != SIZE_MAX) {
		fprintf(stderr, "kbuddy-buf: peer: byte %zu is %#x, want %#x\n", bad,
			p[bad], pattern(bad, 1));
		r = 'n';
	}
	for (i = 0; i < size; i++)
		p[i] = pattern(i, 2);
	munmap(p, size);
	close(fd);
	return write(sock, &r, 1) == 1 && r == 'y' ? 0 : 1;
}

/* roundtrip's and hold's options from argv[from]: into @a. */
static void alloc_opts(int argc, char **argv, int from, struct kbuddy_buf_alloc *a)
{
	int i;

	if (opt_wc)
		a->flags |= KBUDDY_BUF_WC;
	for (i = from; i < argc; i++) {
		if (!strcmp(argv[i], "--topdown"))
			a->flags |= KBUDDY_BUF_TOPDOWN;
		else if (!strcmp(argv[i], "--align") && i + 1 < argc)
			a->align = parse_size(argv[++i]);
		else if (!strcmp(argv[i], "--boundary") && i + 1 < argc)
			a->boundary = parse_size(argv[++i]);
		else if (!strcmp(argv[i], "--range") && i + 1 < argc) {
			char *colon = strchr(argv[++i], ':');

			if (!colon)
				usage();
			*colon = 0;
			a->start = parse_size(argv[i]);
			a->end = parse_size(colon + 1);
			*colon = ':';
		} else {
			usage();
		}
	}
}

static int roundtrip(int argc, char **argv)
{
	struct kbuddy_buf_alloc a = { 0 };
	struct kbuddy_buf_info before, after;
	int dev, fd, sv[2], status;
	size_t size, bad, j;
	char r = 0;
	uint8_t *p;
	pid_t pid;

	if (argc < 1)
		usage();
	a.size = parse_size(argv[0]);
	alloc_opts(argc, argv, 1, &a);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair%s", "");
	dev = open_dev();
	info(dev, &before);
	fd = alloc_buf(dev, &a);
	if (fd < 0) {
		errno = -fd;
		die("KBUDDY_IOC_ALLOC%s", "");
	}
	size = a.size;
	pid = fork();
	if (pid < 0)
		die("fork%s", "");
	if (!pid) {
		close(sv[0]);
		close(fd);
		close(dev);
		_exit(peer(sv[1], size));
	}
	close(sv[1]);
	p = map(fd, size);
	for (j = 0; j < size; j++)
		if (p[j]) {
			fprintf(stderr, "kbuddy-buf: byte %zu of a new buffer is %#x, not 0\n",
				j, p[j]);
			return 1;
		}
	for (j = 0; j < size; j++)
		p[j] = pattern(j, 1);
	send_fd(sv[0], fd);
	if (read(sv[0], &r, 1) != 1 || r != 'y')
		die("the peer found the buffer wrong%s", "");
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		die("the peer failed%s", "");
	bad = first_mismatch(p, size, 2);
	if (bad != SIZE_MAX) {
		fprintf(stderr, "kbuddy-buf: byte %zu is %#x after the peer wrote, want %#x\n",
			bad, p[bad], pattern(bad, 2));
		return 1;
	}
	info(dev, &after);
	if (after.used_bytes != size)
		die("the open counts %s bytes held", "a wrong number of");
	munmap(p, size);
	close(fd);
	info(dev, &after);
	if (after.used_bytes)
		die("bytes still counted after the close%s", "");
	printf("ok roundtrip %zu bytes%s%s\n", size,
	       a.flags & KBUDDY_BUF_TOPDOWN ? " topdown" : "",
	       a.flags & KBUDDY_BUF_WC ? " write-combined" : "");
	return 0;
}

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(bus_jmp, 1);
}

/* Does reading @p fault with SIGBUS (a revoked buffer's mapping)? */
static int faults(volatile const uint8_t *p)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	int bus = 0;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(bus_jmp, 1))
		bus = 1;
	else
		(void)p[0];
	sigaction(SIGBUS, &old, NULL);
	return bus;
}

/* Does every mapping of the @n buffers fault, first and last page? */
static int all_fault(uint8_t **p, uint8_t **tail, size_t size, int n)
{
	int i, bus = 0;

	for (i = 0; i < n; i++)
		bus += faults(p[i]) && faults(p[i] + size - 1) && faults(tail[i]);
	return bus;
}

/*
 * Hold N mapped buffers until SIGUSR1, then check each was revoked
 * (kbuddy_pool_revoke()): its mapping faults with SIGBUS on its first and
 * last page, and so does a mapping of its last page alone, in this process
 * and in a child forked while they were mapped (copied page tables); a new
 * mmap() fails with ENODEV; the fd is still a valid dma-buf to close.
 */
static int revoked(int argc, char **argv)
{
	struct kbuddy_buf_alloc a;
	int dev, n, i, sig, bus, nodev = 0, status, pipefd[2];
	uint8_t **p, **tail;
	size_t size = 0;
	sigset_t set;
	pid_t child;
	int *fds;
	char c;

	if (argc < 2)
		usage();
	n = atoi(argv[1]);
	if (n < 1)
		usage();
	p = calloc(n, sizeof(*p));
	tail = calloc(n, sizeof(*tail));
	fds = calloc(n, sizeof(*fds));
	if (!p || !tail || !fds)
		die("calloc%s", "");
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	dev = open_dev();
	for (i = 0; i < n; i++) {
		memset(&a, 0, sizeof(a));
		a.size = parse_size(argv[0]);
		alloc_opts(argc, argv, 2, &a);
		fds[i] = alloc_buf(dev, &a);
		if (fds[i] < 0) {
			errno = -fds[i];
			die("KBUDDY_IOC_ALLOC%s", "");
		}
		size = a.size;
		p[i] = map(fds[i], size);
		memset(p[i], 0x5a, size);
		tail[i] = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fds[i], size - 4096);
		if (tail[i] == MAP_FAILED || tail[i][0] != 0x5a)
			die("a mapping of the last page alone%s", "");
	}
	if (pipe(pipefd))
		die("pipe%s", "");
	child = fork();
	if (child < 0)
		die("fork%s", "");
	if (!child) {
		/* The parent's mappings, page tables copied: after the revoke. */
		if (read(pipefd[0], &c, 1) != 1)
			_exit(2);
		_exit(all_fault(p, tail, size, n) == n ? 0 : 1);
	}
	printf("holding %d\n", n);
	fflush(stdout);
	sigwait(&set, &sig);
	bus = all_fault(p, tail, size, n);
	if (write(pipefd[1], "x", 1) != 1 || waitpid(child, &status, 0) != child)
		die("the child%s", "");
	for (i = 0; i < n; i++) {
		void *q = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fds[i], 0);

		if (q == MAP_FAILED && errno == ENODEV)
			nodev++;
		else if (q != MAP_FAILED)
			munmap(q, 4096);
		if (close(fds[i]))
			die("close of a revoked dma-buf%s", "");
	}
	printf("revoked %d: sigbus %d, mmap enodev %d, child %s\n", n, bus, nodev,
	       WIFEXITED(status) && !WEXITSTATUS(status) ? "sigbus" : "mapped");
	return bus == n && nodev == n && WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : 1;
}

static int hold(int argc, char **argv)
{
	struct kbuddy_buf_alloc a = { 0 };
	uint64_t size;
	int dev, n, i;

	if (argc < 2)
		usage();
	size = parse_size(argv[0]);
	n = atoi(argv[1]);
	dev = open_dev();
	for (i = 0; i < n; i++) {
		uint8_t *p;
		int fd;

		memset(&a, 0, sizeof(a));
		a.size = size;
		alloc_opts(argc, argv, 2, &a);
		fd = alloc_buf(dev, &a);
		if (fd < 0) {
			errno = -fd;
			die("KBUDDY_IOC_ALLOC%s", "");
		}
		p = map(fd, a.size);
		memset(p, 0x5a, a.size);
	}
	printf("holding %d\n", n);
	fflush(stdout);
	for (;;)
		pause();
	return 0;
}

struct bad_case {
	const char *what;
	struct kbuddy_buf_alloc a;
	int err;
};

/* Every bad KBUDDY_IOC_POOL: its errno. */
static void pool_refused(int dev)
{
	struct kbuddy_pool_info pi;

	if (pool_info(dev, 0x7fffffff, 0, &pi) != -ENOENT)
		die("KBUDDY_IOC_POOL of an unknown id: not ENOENT%s", "");
	if (pool_info(dev, 0, 0, &pi) || pi.id != 1)
		die("KBUDDY_IOC_POOL of id 0: not the default pool, 1%s", "");
	memset(&pi, 0, sizeof(pi));
	pi.id = 1;
	pi.reserved[3] = 1;
	if (ioctl(dev, KBUDDY_IOC_POOL, &pi) != -1 || errno != EINVAL)
		die("KBUDDY_IOC_POOL with a reserved word set: not EINVAL%s", "");
	if (pool_info(dev, 1, 1U << 7, &pi) != -EINVAL)
		die("KBUDDY_IOC_POOL with an unknown flag: not EINVAL%s", "");
	if (ioctl(dev, KBUDDY_IOC_POOL, (void *)16) != -1 || errno != EFAULT)
		die("KBUDDY_IOC_POOL with a bad pointer: not EFAULT%s", "");
}

static int refused(void)
{
	struct kbuddy_pool_info pool, pnow;
	struct kbuddy_buf_info in, now;
	struct bad_case cases[] = {
		{ "size 0", { .size = 0 }, EINVAL },
		{ "size -1", { .size = ~0ULL }, EINVAL },
		{ "size above the per-open limit", { .size = 1ULL << 40 }, EDQUOT },
		{ "an unknown flag", { .size = 4096, .flags = 1U << 9 }, EINVAL },
		{ "write-combined", { .size = 4096, .flags = KBUDDY_BUF_WC }, EOPNOTSUPP },
		{ "a reserved word set", { .size = 4096, .reserved = { 0, 1, 0 } }, EINVAL },
		{ "an unknown pool", { .size = 4096, .pool = 0x7fffffff }, ENOENT },
		{ "a pool id above 32 bits", { .size = 4096, .pool = 1ULL << 40 }, ENOENT },
		{ "alignment of 3 pages", { .size = 4096, .align = 3 * 4096 }, EINVAL },
		{ "alignment of half a page", { .size = 4096, .align = 2048 }, EINVAL },
		{ "boundary below the size", { .size = 3 * 4096, .boundary = 8192 }, EINVAL },
		{ "an empty range", { .size = 4096, .start = 1 << 20, .end = 1 << 20 }, EINVAL },
		{ "a range with no pool memory", { .size = 4096, .end = 4096 }, ENOMEM },
	};
	struct kbuddy_buf_alloc a = { .size = 2 * 4096 };
	unsigned int i;
	int dev = open_dev(), fd, ro;
	uint8_t *p, *q;

	/*
	 * The failed search of the last case gives back the pages the CPUs
	 * cache: do it once first, so that the free count is settled.
	 */
	alloc_buf(dev, &cases[sizeof(cases) / sizeof(cases[0]) - 1].a);
	cases[sizeof(cases) / sizeof(cases[0]) - 1].a.pool = 0;
	info(dev, &in);
	this_pool(dev, &pool);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* An iomem pool maps write-combined: not a refusal there. */
		if (cases[i].err == EOPNOTSUPP && pool.caps & KBUDDY_POOL_CAP_WC)
			continue;
		fd = alloc_buf(dev, &cases[i].a);
		if (fd != -cases[i].err) {
			fprintf(stderr, "kbuddy-buf: %s: got %s, want %s\n", cases[i].what,
				fd >= 0 ? "a buffer" : strerror(-fd), strerror(cases[i].err));
			return 1;
		}
		info(dev, &now);
		this_pool(dev, &pnow);
		if (now.free_bytes != in.free_bytes || now.used_bytes ||
		    pnow.free_bytes != pool.free_bytes) {
			fprintf(stderr, "kbuddy-buf: %s: the pool changed\n", cases[i].what);
			return 1;
		}
	}
	pool_refused(dev);
	if (ioctl(dev, _IOWR(KBUDDY_IOC_MAGIC, 77, struct kbuddy_buf_alloc), &a) != -1 ||
	    errno != ENOTTY)
		die("an unknown ioctl was not refused with ENOTTY%s", "");
	if (ioctl(dev, KBUDDY_IOC_ALLOC, (void *)16) != -1 || errno != EFAULT)
		die("a bad pointer was not refused with EFAULT%s", "");
	/* A read-only open may not allocate. */
	ro = open(dev_path, O_RDONLY | O_CLOEXEC);
	if (ro < 0)
		die("cannot open %s read-only", dev_path);
	if (alloc_buf(ro, &a) != -EPERM)
		die("a read-only open allocated, or not EPERM%s", "");
	close(ro);
	/*
	 * A two-page buffer: its second page mapped alone shows what was
	 * written through a mapping of both; mappings past its end, and a
	 * private one, are refused.
	 */
	fd = alloc_buf(dev, &a);
	if (fd < 0)
		die("a two-page buffer%s", "");
	p = map(fd, 2 * 4096);
	for (i = 0; i < 2 * 4096; i++)
		p[i] = pattern(i, 5);
	q = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4096);
	if (q == MAP_FAILED)
		die("a mapping of the second page%s", "");
	for (i = 0; i < 4096; i++)
		if (q[i] != pattern(4096 + i, 5))
			die("the second page mapped alone differs%s", "");
	munmap(q, 4096);
	munmap(p, 2 * 4096);
	if (mmap(NULL, 3 * 4096, PROT_READ, MAP_SHARED, fd, 0) != MAP_FAILED)
		die("a three-page mapping of a two-page buffer was allowed%s", "");
	if (mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 2 * 4096) != MAP_FAILED)
		die("a mapping at the buffer's end was allowed%s", "");
	if (mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0) != MAP_FAILED)
		die("a private mapping was allowed%s", "");
	close(fd);
	info(dev, &now);
	this_pool(dev, &pnow);
	if (now.free_bytes != in.free_bytes || now.used_bytes ||
	    pnow.free_bytes != pool.free_bytes)
		die("the pool did not come back%s", "");
	printf("ok refused %zu requests, 8 ioctls, 3 mappings (pool %u)\n",
	       sizeof(cases) / sizeof(cases[0]), pool.id);
	return 0;
}

/* Fill the per-open limit with buffers of a quarter of it, go past, free one. */
static int limit(void)
{
	struct kbuddy_buf_info in;
	struct kbuddy_buf_alloc a;
	int dev = open_dev(), fds[4], i, fd;

	info(dev, &in);
	for (i = 0; i < 4; i++) {
		memset(&a, 0, sizeof(a));
		a.size = in.limit_bytes / 4;
		fds[i] = alloc_buf(dev, &a);
		if (fds[i] < 0) {
			errno = -fds[i];
			die("a quarter of the limit%s", "");
		}
	}
	memset(&a, 0, sizeof(a));
	a.size = 4096;
	fd = alloc_buf(dev, &a);
	if (fd != -EDQUOT)
		die("past the limit: not EDQUOT%s", "");
	/* Another open has a limit of its own. */
	fd = alloc_buf(open_dev(), &a);
	if (fd < 0)
		die("another open could not allocate%s", "");
	close(fd);
	close(fds[0]);
	fd = alloc_buf(dev, &a);
	if (fd < 0)
		die("after a close, still refused%s", "");
	printf("ok limit %llu bytes per open\n", (unsigned long long)in.limit_bytes);
	return 0;
}

/*
 * The PAT keeps a page's memory type in page flags (arch/x86/mm/pat/
 * memtype.c): none for write-back, PG_arch_1 alone for write-combined,
 * PG_uncached (6.1) or PG_arch_2 (6.12) for UC- and, with PG_arch_1, WT.
 * /proc/kpageflags shows them as these bits (include/uapi/linux/
 * kernel-page-flags.h).
 */
#define KPF_NOPAGE	20
#define KPF_ARCH	38
#define KPF_UNCACHED	39
#define KPF_ARCH_2	41

static int memtype(int argc, char **argv)
{
	const uint64_t type_bits = 1ULL << KPF_ARCH | 1ULL << KPF_UNCACHED |
				   1ULL << KPF_ARCH_2 | 1ULL << KPF_NOPAGE;
	uint64_t phys, size, pfn, flags[512], n_wb = 0, n_wc = 0, n_other = 0;
	long page = sysconf(_SC_PAGESIZE);
	int fd;

	if (argc != 2)
		usage();
	phys = parse_size(argv[0]);
	size = parse_size(argv[1]);
	if (!size || phys % page || size % page || phys + size < phys) {
		fprintf(stderr, "kbuddy-buf: memtype: PHYS and SIZE page aligned, SIZE non-zero, not wrapping\n");
		usage();
	}
	fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("cannot open %s", "/proc/kpageflags");
	for (pfn = phys / page; pfn < (phys + size) / page;) {
		uint64_t want = (phys + size) / page - pfn, i;
		ssize_t got;

		if (want > 512)
			want = 512;
		got = pread(fd, flags, want * 8, pfn * 8);
		if (got <= 0 || got % 8) {
			errno = got < 0 ? errno : EIO;
			die("cannot read %s", "/proc/kpageflags");
		}
		for (i = 0; i < (uint64_t)got / 8; i++) {
			uint64_t t = flags[i] & type_bits;

			if (!t)
				n_wb++;
			else if (t == 1ULL << KPF_ARCH)
				n_wc++;
			else
				n_other++;
		}
		pfn += got / 8;
	}
	close(fd);
	printf("wb=%llu wc=%llu other=%llu\n", (unsigned long long)n_wb,
	       (unsigned long long)n_wc, (unsigned long long)n_other);
	return 0;
}

int main(int argc, char **argv)
{
	struct kbuddy_buf_info in;
	int i, j;

	if (getenv("KBUDDY_DEV"))
		dev_path = getenv("KBUDDY_DEV");
	/* The options, anywhere: taken out of argv. */
	for (i = j = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--pool") && i + 1 < argc)
			opt_pool = parse_size(argv[++i]);
		else if (!strcmp(argv[i], "--wc"))
			opt_wc = 1;
		else
			argv[j++] = argv[i];
	}
	argc = j;
	argv[argc] = NULL;
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "info")) {
		info(open_dev(), &in);
		printf("version %u\npage_size %u\npool_bytes %llu\nfree_bytes %llu\nlimit_bytes %llu\nused_bytes %llu\n",
		       in.version, in.page_size, (unsigned long long)in.pool_bytes,
		       (unsigned long long)in.free_bytes, (unsigned long long)in.limit_bytes,
		       (unsigned long long)in.used_bytes);
		return 0;
	}
	if (!strcmp(argv[1], "pools") && argc == 2)
		return pools();
	if (!strcmp(argv[1], "roundtrip"))
		return roundtrip(argc - 2, argv + 2);
	if (!strcmp(argv[1], "hold"))
		return hold(argc - 2, argv + 2);
	if (!strcmp(argv[1], "revoked"))
		return revoked(argc - 2, argv + 2);
	if (!strcmp(argv[1], "refused") && argc == 2)
		return refused();
	if (!strcmp(argv[1], "limit") && argc == 2)
		return limit();
	if (!strcmp(argv[1], "memtype"))
		return memtype(argc - 2, argv + 2);
	usage();
	return 2;
}
