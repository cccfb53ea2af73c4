// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy-fuzz: write random and mutated inputs to every writable file of
 * kbuddy's debugfs, from several processes at once. Built static on the
 * host (tools/vm/mkinitramfs.sh) and run in the test VM by
 * tools/vm/guest/fuzz.sh, which compares the allocator's state before and
 * after.
 *
 *   kbuddy-fuzz [-n INPUTS] [-j WRITERS] [-s SEED] [ROOT]
 *
 * ROOT (default /sys/kernel/debug/kbuddy) is searched for the files kbuddy
 * parses itself: <pool>/blocks, <pool>/histogram and the fault/ knobs probability, interval,
 * times, nth and sites (on a kernel with fault_attr files, probability,
 * interval and times are the kernel's: run this on Debian's kernels).
 *
 * Inputs: random bytes of random lengths (up to 64 KiB), words from the
 * files' own vocabulary glued with spaces, tabs, newlines, commas and NULs,
 * numbers at the edges of 8, 16, 32 and 64 bits in decimal, hex and octal,
 * valid commands mutated (bytes flipped, inserted, deleted, cut short, NULs
 * put in, garbage added), "free PHYS" of a block some writer holds right
 * now (so two writers may free it at once), writes at an offset and from an
 * unreadable buffer. Valid inputs happen, and are carried out: the caller
 * cleans up afterwards (free all, drain, shrink, the knobs put back).
 *
 * Every write must either take all its bytes or fail with EINVAL, ENOSPC,
 * ENOMEM or EFAULT; anything else (a short write, another errno) fails the
 * run. The last lines give the counts, "fuzz-refused: N" the refused writes
 * (which kbuddy counts too: stats debugfs_writes_refused, fault/refused).
 * Exit status 0 if every write behaved.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILES	64
#define INPUT_MAX	65536

enum kind { BLOCKS, NUMBER, SITES, HISTOGRAM };
enum result { RES_OK, RES_EINVAL, RES_ENOSPC, RES_ENOMEM, RES_EFAULT, RES_OTHER, NR_RES };
static const char *const result_names[NR_RES] = {
	"accepted", "EINVAL", "ENOSPC", "ENOMEM", "EFAULT", "other",
};

struct file {
	char path[512];
	enum kind kind;
};

static struct file files[MAX_FILES];
static int nr_files;

/* Per file and result, shared by the writers. */
static unsigned long (*counts)[NR_RES];

static uint64_t rng;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static unsigned int below(unsigned int n)
{
	return n ? rnd() % n : 0;
}

static const char *const words[] = {
	"alloc", "malloc", "free", "all", "drain", "shrink", "none",
	"block", "pcp_refill", "slab", "slab_desc", "magazine", "realloc",
	"cache_create", "region", "pool_create", "0x", "-", "+", "ALLOC",
	"free all", "alloc 0", "malloc 64", "-1", "0", "1", "on", "off", "reset",
	"free id", "id",
};

static const char *const seps[] = { " ", " ", " ", "\t", "\n", ",", "", "  " };

/* Numbers at the edges of their types, and a random one. */
static int edge_number(char *p, size_t room)
{
	static const uint64_t edges[] = {
		0, 1, 2, 3, 10, 11, 12, 24, 25, 100, 101, 127, 128, 255, 256,
		4095, 4096, 4097, 32767, 32768, 65535, 65536, 65537, 16384,
		2147483647ULL, 2147483648ULL, 4294967295ULL, 4294967296ULL,
		9223372036854775807ULL, 9223372036854775808ULL,
		18446744073709551615ULL, 0x10000000ULL, 0x13ffffffULL,
		0x14000000ULL,
	};
	uint64_t v = below(4) ? edges[below(sizeof(edges) / sizeof(edges[0]))] : rnd();
	const char *sign = below(8) ? "" : below(2) ? "-" : "+";

	if (!below(8))
		v += below(3) - 1;
	switch (below(6)) {
	case 0:
		return snprintf(p, room, "%s0x%" PRIx64, sign, v);
	case 1:
		return snprintf(p, room, "%s0%" PRIo64, sign, v);
	case 2:	/* past 64 bits */
		return snprintf(p, room, "%s%" PRIu64 "%u", sign, v, below(10));
	default:
		return snprintf(p, room, "%s%" PRIu64, sign, v);
	}
}

static size_t append(char *buf, size_t len, const char *s, size_t n)
{
	if (len + n > INPUT_MAX)
		n = INPUT_MAX - len;
	memcpy(buf + len, s, n);
	return len + n;
}

/* A command that the file would take, most of the time. */
static size_t valid_input(const struct file *f, char *buf)
{
	static const char *const site_names[] = {
		"block", "pcp_refill", "slab", "slab_desc", "magazine", "malloc",
		"realloc", "cache_create", "region", "pool_create",
	};
	int n = 0, i;

	switch (f->kind) {
	case BLOCKS:
		switch (below(8)) {
		case 0:
			n = sprintf(buf, "alloc %u", below(12));
			break;
		case 1:
			n = sprintf(buf, "alloc %u %u", below(11), 1 + below(8));
			break;
		case 2:
			n = sprintf(buf, "malloc %u", 1 + below(9000));
			break;
		case 3:
			n = sprintf(buf, "malloc %u %u", 1 + below(300), 1 + below(16));
			break;
		case 4:
			n = sprintf(buf, "free all");
			break;
		case 5:
			n = sprintf(buf, "drain");
			break;
		case 6:
			n = sprintf(buf, "shrink");
			break;
		default:
			n = sprintf(buf, "free 0x%x", 0x10000000 + (below(16384) << 12));
			break;
		}
		break;
	case NUMBER:
		if (strstr(f->path, "probability"))
			n = sprintf(buf, "%u", below(3) ? 0 : below(101));
		else if (strstr(f->path, "times"))
			n = sprintf(buf, "%d", (int)below(6) - 1);
		else
			n = sprintf(buf, "%u", below(10));
		break;
	case HISTOGRAM:
		n = sprintf(buf, "%s", below(3) ? (below(2) ? "on" : "off") : "reset");
		break;
	case SITES:
		if (!below(3))
			return sprintf(buf, below(2) ? "all" : "none");
		for (i = 1 + below(3); i > 0; i--)
			n += sprintf(buf + n, "%s%s", site_names[below(10)],
				     i > 1 ? (below(2) ? " " : ",") : "");
		break;
	}
	if (!below(2))
		buf[n++] = '\n';
	return n;
}

/*
 * "free PHYS" or "free id ID" of a block held right now (read from the
 * blocks file, whose lines are "ID PHYS KIND ORDER|SIZE").
 */
static size_t held_free(const struct file *f, char *buf)
{
	char list[4096], *line, *phys, *save = NULL;
	unsigned int pick, nr = 0;
	ssize_t got;
	int fd = open(f->path, O_RDONLY);

	if (fd < 0)
		return 0;
	got = read(fd, list, sizeof(list) - 1);
	close(fd);
	if (got <= 0)
		return 0;
	list[got] = '\0';
	for (line = list; (line = strchr(line, '\n')); line++)
		nr++;
	pick = below(nr);
	for (line = strtok_r(list, "\n", &save); line && pick;
	     line = strtok_r(NULL, "\n", &save))
		pick--;
	if (!line)
		return 0;
	phys = strchrnul(line, ' ');
	if (*phys)
		*phys++ = '\0';
	*strchrnul(phys, ' ') = '\0';
	if (below(2))
		return sprintf(buf, "free id %s", line);
	return sprintf(buf, "free %s", phys);
}

static size_t mutate(char *buf, size_t len)
{
	unsigned int i, rounds = 1 + below(4);

	for (i = 0; i < rounds; i++) {
		size_t at = below(len + 1);

		switch (below(8)) {
		case 0:	/* flip a bit */
			if (len)
				buf[below(len)] ^= 1 << below(8);
			break;
		case 1:	/* a NUL inside */
			if (len < INPUT_MAX)
				memmove(buf + at + 1, buf + at, len++ - at);
			buf[at] = '\0';
			break;
		case 2:	/* cut short */
			len = at;
			break;
		case 3:	/* delete a byte */
			if (at < len)
				memmove(buf + at, buf + at + 1, len-- - at - 1);
			break;
		case 4:	/* a random byte inserted */
			if (len < INPUT_MAX) {
				memmove(buf + at + 1, buf + at, len++ - at);
				buf[at] = rnd();
			}
			break;
		case 5: {	/* a number replaced or added at the end */
			char num[48];
			int n = edge_number(num, sizeof(num));

			len = append(buf, len, " ", 1);
			len = append(buf, len, num, n);
			break;
		}
		case 6:	/* doubled */
			len = append(buf, len, buf, len);
			break;
		default:	/* white space around */
			len = append(buf, len, seps[below(8)], 1);
			break;
		}
	}
	return len;
}

static size_t make_input(const struct file *f, char *buf)
{
	size_t len = 0;
	unsigned int i, n;

	switch (below(10)) {
	case 0:	/* random bytes */
		n = below(4) ? below(80) : below(3) ? below(320) : below(INPUT_MAX + 1);
		for (i = 0; i < n; i++)
			buf[i] = below(3) ? (char)rnd() : "0123456789 x\n\t-+,"[below(18)];
		return n;
	case 1:
	case 2:	/* words and numbers */
		for (n = below(6), i = 0; i < n; i++) {
			char num[48];
			const char *w = num;
			size_t wl;

			if (below(2))
				w = words[below(sizeof(words) / sizeof(words[0]))];
			else
				edge_number(num, sizeof(num));
			wl = strlen(w);
			len = append(buf, len, w, wl);
			if (i + 1 < n || below(2))
				len = append(buf, len, seps[below(8)], 1);
			if (!below(20))
				len = append(buf, len, "", 1);
		}
		return len;
	case 3:	/* a number alone */
		return edge_number(buf, 64);
	case 4:
		len = valid_input(f, buf);
		return len;
	case 5:
		if (f->kind == BLOCKS && (len = held_free(f, buf)))
			return below(2) ? len : mutate(buf, len);
		/* fall through */
	default:
		return mutate(buf, valid_input(f, buf));
	}
}

static enum result classify(ssize_t ret, size_t len)
{
	if (ret >= 0)
		return (size_t)ret == len ? RES_OK : RES_OTHER;
	switch (errno) {
	case EINVAL: return RES_EINVAL;
	case ENOSPC: return RES_ENOSPC;
	case ENOMEM: return RES_ENOMEM;
	case EFAULT: return RES_EFAULT;
	default: return RES_OTHER;
	}
}

static ssize_t write_at(int fd, const void *buf, size_t len, off_t pos)
{
	/* Past the end of what a read shows, lseek() may refuse: write anyway. */
	lseek(fd, pos, SEEK_SET);
	return write(fd, buf, len);
}

static void writer(unsigned int id, unsigned long inputs, uint64_t seed)
{
	static char buf[INPUT_MAX + 64];
	int fds[MAX_FILES];
	unsigned long i;
	int k;

	rng = seed * 0x9e3779b97f4a7c15ULL + id + 1;
	for (k = 0; k < nr_files; k++) {
		fds[k] = open(files[k].path, O_WRONLY);
		if (fds[k] < 0) {
			perror(files[k].path);
			exit(2);
		}
	}
	for (i = 0; i < inputs; i++) {
		const struct file *f;
		enum result r;
		size_t len;
		ssize_t ret;
		int fd, how = below(100);

		k = below(nr_files);
		f = &files[k];
		len = make_input(f, buf);
		/*
		 * seq_file files take no pwrite(): a write goes where the file
		 * position is, set by lseek().
		 */
		if (how < 88) {
			ret = write_at(fds[k], buf, len, 0);
		} else if (how < 93) {
			/* At the file position: after an accepted write, not 0. */
			ret = write(fds[k], buf, len);
		} else if (how < 96) {
			ret = write_at(fds[k], buf, len, 1 + below(300));
		} else if (how < 97) {
			/* An address no mapping covers. */
			ret = write_at(fds[k], (void *)4096, 1 + below(40), 0);
			len = -1;
		} else {
			fd = open(f->path, O_WRONLY);
			if (fd < 0) {
				perror(f->path);
				exit(2);
			}
			ret = write(fd, buf, len);
			close(fd);
		}
		r = classify(ret, len);
		if (r == RES_OTHER) {
			fprintf(stderr, "fuzz: %s: %zd bytes: returned %zd (%s)\n",
				f->path, len, ret, ret < 0 ? strerror(errno) : "short");
		}
		__atomic_fetch_add(&counts[k][r], 1, __ATOMIC_RELAXED);
	}
	exit(0);
}

static void find_files(const char *dir, int depth)
{
	char path[1024];
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d))) {
		const char *n = e->d_name;

		if (n[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, n);
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode) && depth < 3) {
			find_files(path, depth + 1);
			continue;
		}
		if (!S_ISREG(st.st_mode) || !(st.st_mode & 0200) ||
		    nr_files == MAX_FILES || strlen(path) >= sizeof(files[0].path))
			continue;
		if (!strcmp(n, "blocks"))
			files[nr_files].kind = BLOCKS;
		else if (!strcmp(n, "histogram"))
			files[nr_files].kind = HISTOGRAM;
		else if (!strcmp(n, "sites"))
			files[nr_files].kind = SITES;
		else if (!strcmp(n, "probability") || !strcmp(n, "interval") ||
			 !strcmp(n, "times") || !strcmp(n, "nth"))
			files[nr_files].kind = NUMBER;
		else
			continue;
		snprintf(files[nr_files++].path, sizeof(files[0].path), "%s", path);
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	unsigned long inputs = 100000, total[NR_RES] = { 0 }, refused = 0;
	unsigned int writers = 4, i;
	const char *root = "/sys/kernel/debug/kbuddy";
	uint64_t seed = time(NULL);
	struct timeval t0, t1;
	int opt, k, bad = 0, status;
	double s;

	while ((opt = getopt(argc, argv, "n:j:s:")) != -1) {
		switch (opt) {
		case 'n': inputs = strtoul(optarg, NULL, 0); break;
		case 'j': writers = strtoul(optarg, NULL, 0); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: %s [-n INPUTS] [-j WRITERS] [-s SEED] [ROOT]\n", argv[0]);
			return 2;
		}
	}
	if (optind < argc)
		root = argv[optind];
	if (!writers)
		writers = 1;
	find_files(root, 0);
	if (!nr_files) {
		fprintf(stderr, "fuzz: no writable kbuddy file under %s\n", root);
		return 2;
	}
	counts = mmap(NULL, sizeof(*counts) * MAX_FILES, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counts == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	printf("fuzz: seed %" PRIu64 ", %lu inputs, %u writers, %d files\n",
	       seed, inputs, writers, nr_files);
	fflush(stdout);
	gettimeofday(&t0, NULL);
	for (i = 0; i < writers; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 2;
		}
		if (!pid)
			writer(i, inputs / writers + (i < inputs % writers), seed);
	}
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad = 1;
	gettimeofday(&t1, NULL);
	s = (t1.tv_sec - t0.tv_sec) + (t1.tv_usec - t0.tv_usec) / 1e6;
	for (k = 0; k < nr_files; k++) {
		printf("fuzz: %-48s", files[k].path + strlen(root) + 1);
		for (i = 0; i < NR_RES; i++) {
			printf(" %s %lu", result_names[i], counts[k][i]);
			total[i] += counts[k][i];
		}
		printf("\n");
	}
	for (i = RES_EINVAL; i < RES_OTHER; i++)
		refused += total[i];
	printf("fuzz: %lu inputs in %.1f s (%.0f/s): %lu accepted, %lu refused (EINVAL %lu, ENOSPC %lu, ENOMEM %lu, EFAULT %lu), %lu other\n",
	       inputs, s, inputs / s, total[RES_OK], refused, total[RES_EINVAL],
	       total[RES_ENOSPC], total[RES_ENOMEM], total[RES_EFAULT], total[RES_OTHER]);
	printf("fuzz-refused: %lu\n", refused);
	if (total[RES_OTHER] || bad) {
		printf("fuzz: FAILED: %lu writes neither accepted whole nor refused with a known errno%s\n",
		       total[RES_OTHER], bad ? ", a writer died" : "");
		return 1;
	}
	return 0;
}
