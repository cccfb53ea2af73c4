// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy - a pool's request and latency histogram, and its debugfs file
 * /sys/kernel/debug/kbuddy/<pool>/histogram.
 *
 * Off by default. Writing "on" to the file makes the pool's struct
 * kbuddy_hist (once) and counts the pool in kbuddy_hist_key; from then on
 * the hooks in histogram.h count kbuddy_alloc_pages() requests per order,
 * kbuddy_malloc() requests per size class, and time every allocation and
 * free in a log2 bucket of nanoseconds per path. "off" stops that, "reset"
 * zeroes the counts. While no pool's histogram is on, the hooks are a
 * static branch each.
 */

#include <linux/debugfs.h>
#include <linux/jump_label.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "debugfs.h"
#include "histogram.h"
#include "internal.h"

/* ==== Data =============================================================== */

DEFINE_STATIC_KEY_FALSE(kbuddy_hist_key);
/* For the KUnit suite kbuddy_hist, which checks that it goes off again. */
EXPORT_SYMBOL_NS_GPL(kbuddy_hist_key, KBUDDY_INTERNAL);

/*
 * Protects the creation of every pool's ->hist, each histogram's ->on and
 * ->keyed and so the count of kbuddy_hist_key, and resets. Taken with no kbuddy lock
 * held: a static key's change takes the CPU hotplug lock inside it.
 */
static DEFINE_MUTEX(kbuddy_hist_mutex);

static const char *const kbuddy_hist_op_names[KBUDDY_HIST_NR_OPS] = {
	[KBUDDY_HIST_ALLOC]	= "alloc",
	[KBUDDY_HIST_FREE]	= "free",
};

static_assert(ARRAY_SIZE(kbuddy_hist_op_names) == KBUDDY_HIST_NR_OPS);

static const char *const kbuddy_hist_path_names[KBUDDY_HIST_NR_PATHS] = {
	[KBUDDY_HIST_PCP]	= "pcp",
	[KBUDDY_HIST_POOL]	= "pool",
	[KBUDDY_HIST_SLAB_FAST]	= "slab_fast",
	[KBUDDY_HIST_SLAB_SLOW]	= "slab_slow",
};

static_assert(ARRAY_SIZE(kbuddy_hist_path_names) == KBUDDY_HIST_NR_PATHS);

/* A CPU's counts are summed as one array of counters. */
#define KBUDDY_HIST_COUNTERS \
	(sizeof(struct kbuddy_hist_cpu) / sizeof(unsigned long))
static_assert(sizeof(struct kbuddy_hist_cpu) % sizeof(unsigned long) == 0);

/* Longest write the file takes ("reset" with white space around it). */
#define HIST_WRITE_MAX	16

static const char hist_usage[] = "usage: on | off | reset";

/* A refused write, counted and logged as the pool's other files' are. */
#define refuse(pool, in, len, err, fmt, ...) \
	kbuddy_debugfs_refuse(pool, "histogram", in, len, err, fmt, ##__VA_ARGS__)

/* ==== Internals ========================================================== */

static struct kbuddy_hist *hist_alloc(void)
{
	struct kbuddy_hist *h = kzalloc(sizeof(*h), GFP_KERNEL);

	if (!h)
		return NULL;
	h->cpu = alloc_percpu(struct kbuddy_hist_cpu);
	if (!h->cpu) {
		kfree(h);
		return NULL;
	}
	return h;
}

/* Every CPU's counts of @h added into @sum: a snapshot. */
static void hist_sum(struct kbuddy_hist *h, struct kbuddy_hist_cpu *sum)
{
	unsigned long *to = (unsigned long *)sum;
	const unsigned long *from;
	unsigned int i;
	int cpu;

	for_each_possible_cpu(cpu) {
		from = (const unsigned long *)per_cpu_ptr(h->cpu, cpu);
		for (i = 0; i < KBUDDY_HIST_COUNTERS; i++)
			to[i] += READ_ONCE(from[i]);
	}
}

enum hist_cmd { HIST_ON, HIST_OFF, HIST_RESET };

/* Return: NULL, or why @buf (NUL-terminated, changed) is refused. */
static const char *hist_parse(char *buf, enum hist_cmd *cmd)
{
	char *s = strim(buf);

	if (!*s)
		return "empty";
	if (!strcmp(s, "on"))
		*cmd = HIST_ON;
	else if (!strcmp(s, "off"))
		*cmd = HIST_OFF;
	else if (!strcmp(s, "reset"))
		*cmd = HIST_RESET;
	else
		return "unknown command";
	return NULL;
}

/* Carry out a parsed command. Return: 0, or -ENOMEM (nothing changed). */
static int hist_apply(struct kbuddy_pool *pool, enum hist_cmd cmd)
{
	struct kbuddy_hist *h;
	int cpu, err = 0;

	mutex_lock(&kbuddy_hist_mutex);
	h = pool->hist;
	switch (cmd) {
	case HIST_ON:
		if (!h) {
			h = hist_alloc();
			if (!h) {
				err = -ENOMEM;
				break;
			}
			/* Pairs with the acquire in kbuddy_hist_on(). */
			smp_store_release(&pool->hist, h);
		}
		WRITE_ONCE(h->on, true);
		if (!h->keyed) {
			h->keyed = true;
			static_branch_inc(&kbuddy_hist_key);
		}
		break;
	case HIST_OFF:
		if (h)
			WRITE_ONCE(h->on, false);
		break;
	case HIST_RESET:
		/* Increments racing with this may survive it. */
		if (h)
			for_each_possible_cpu(cpu)
				memset(per_cpu_ptr(h->cpu, cpu), 0,
				       sizeof(struct kbuddy_hist_cpu));
		break;
	}
	mutex_unlock(&kbuddy_hist_mutex);
	return err;
}

/* ==== DebugFS ============================================================ */

/**
 * kbuddy_hist_show() - the histogram file's contents
 * @m: the seq_file; m->private is the pool
 * @v: unused
 *
 * "enabled 0|1"; "order ORDER COUNT" for each order of the pool; "size
 * SIZE COUNT" for each of its malloc size classes, then "size large
 * COUNT"; "latency OP PATH" and 32 bucket counts, for alloc and free on
 * each path (Documentation/admin-guide.rst, "histogram"). All zero if the
 * histogram was never on.
 *
 * Context: Process context; may sleep. Reads the CPUs' counts while they
 * change: a snapshot.
 * Return: 0, or -ENOMEM.
 */
int kbuddy_hist_show(struct seq_file *m, void *v)
{
	struct kbuddy_pool *pool = m->private;
	struct kbuddy_hist_cpu *sum;
	unsigned int i, op, path;
	struct kbuddy_hist *h;

	/* Pairs with the release in hist_apply(): a writer may make it now. */
	h = smp_load_acquire(&pool->hist);
	sum = kzalloc(sizeof(*sum), GFP_KERNEL);
	if (!sum)
		return -ENOMEM;
	if (h)
		hist_sum(h, sum);
	seq_printf(m, "enabled %d\n", h && READ_ONCE(h->on));
	for (i = 0; i < pool->max_order; i++)
		seq_printf(m, "order %u %lu\n", i, sum->order[i]);
	/* Made with the pool and kept till it goes (none if not ram). */
	for (i = 0; i < KBUDDY_NR_KMALLOC && pool->kmalloc[i]; i++)
		seq_printf(m, "size %u %lu\n", pool->kmalloc[i]->object_size,
			   sum->size[i]);
	seq_printf(m, "size large %lu\n", sum->size[KBUDDY_HIST_LARGE]);
	for (op = 0; op < KBUDDY_HIST_NR_OPS; op++) {
		for (path = 0; path < KBUDDY_HIST_NR_PATHS; path++) {
			seq_printf(m, "latency %s %s", kbuddy_hist_op_names[op],
				   kbuddy_hist_path_names[path]);
			for (i = 0; i < KBUDDY_HIST_BUCKETS; i++)
				seq_printf(m, " %lu", sum->latency[op][path][i]);
			seq_putc(m, '\n');
		}
	}
	kfree(sum);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_hist_show, KBUDDY_INTERNAL);

/**
 * kbuddy_hist_command() - a write to a pool's histogram file
 * @pool: the pool
 * @in: the bytes written (need not end in a NUL; NULL: as if the writer's
 *	buffer could not be read)
 * @count: how many
 *
 * "on", "off" or "reset", with white space around it or not, is carried
 * out; anything else is refused with one log line (ratelimited) that shows
 * it and the usage, and nothing changes. Turning on a histogram that is
 * on, or off one that is off, changes nothing.
 *
 * Context: Process context; may sleep. Takes kbuddy_hist_mutex.
 * Return: @count; -EINVAL for a malformed or too long input, -EFAULT for
 * an unreadable one, -ENOMEM if the first "on" found no memory for the
 * histogram (nothing changed in each case).
 */
ssize_t kbuddy_hist_command(struct kbuddy_pool *pool, const char *in,
			    size_t count)
{
	char buf[HIST_WRITE_MAX + 1];
	enum hist_cmd cmd;
	const char *why;

	if (count > HIST_WRITE_MAX)
		return refuse(pool, NULL, count, -EINVAL, "longer than %d bytes; %s",
			      HIST_WRITE_MAX, hist_usage);
	if (!in)
		return refuse(pool, NULL, count, -EFAULT, "the buffer is not readable");
	memcpy(buf, in, count);
	buf[count] = '\0';
	if (memchr(buf, '\0', count))
		return refuse(pool, in, count, -EINVAL, "a NUL byte inside; %s", hist_usage);
	why = hist_parse(buf, &cmd);
	if (why)
		return refuse(pool, in, count, -EINVAL, "%s; %s", why, hist_usage);
	if (hist_apply(pool, cmd))
		return refuse(pool, in, count, -ENOMEM, "no memory for the histogram");
	return count;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_hist_command, KBUDDY_INTERNAL);

static int hist_open(struct inode *inode, struct file *file)
{
	return single_open(file, kbuddy_hist_show, inode->i_private);
}

static ssize_t hist_write(struct file *file, const char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	struct kbuddy_pool *pool =
		((struct seq_file *)file->private_data)->private;
	char buf[HIST_WRITE_MAX];

	/* A command file: where a read left the position does not matter. */
	if (count <= sizeof(buf) && copy_from_user(buf, ubuf, count))
		return kbuddy_hist_command(pool, NULL, count);
	return kbuddy_hist_command(pool, buf, count);
}

static const struct file_operations hist_fops = {
	.owner		= THIS_MODULE,
	.open		= hist_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.write		= hist_write,
	.release	= single_release,
};

/**
 * kbuddy_hist_debugfs() - create a pool's histogram file
 * @pool: the pool
 * @dir: its debugfs directory, /sys/kernel/debug/kbuddy/<pool>/
 *
 * The file goes with @dir (debugfs.c removes it before the pool goes).
 *
 * Context: Process context; may sleep.
 */
void kbuddy_hist_debugfs(struct kbuddy_pool *pool, struct dentry *dir)
{
	debugfs_create_file("histogram", 0600, dir, pool, &hist_fops);
}

/* ==== Lifetime =========================================================== */

/**
 * kbuddy_hist_fini() - free a pool's histogram
 * @pool: the pool being destroyed; its debugfs files are gone and no
 *	operation on it runs any more
 *
 * Context: Process context; may sleep.
 */
void kbuddy_hist_fini(struct kbuddy_pool *pool)
{
	struct kbuddy_hist *h;

	mutex_lock(&kbuddy_hist_mutex);
	h = pool->hist;
	pool->hist = NULL;
	if (h && h->keyed)
		static_branch_dec(&kbuddy_hist_key);
	mutex_unlock(&kbuddy_hist_mutex);
	if (!h)
		return;
	free_percpu(h->cpu);
	kfree(h);
}
