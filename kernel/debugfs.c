// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy - the debugfs files: /sys/kernel/debug/kbuddy/<pool>/.
 *
 * buddyinfo	free blocks per order, one line per region (/proc/buddyinfo)
 * stats	counters, one "name value" per line
 * owners	what is allocated, grouped by the stack that allocated it
 * validate	reading it cross-checks the pool: "ok" or each problem
 * slabinfo	the pool's caches, as /proc/slabinfo 2.1
 * extfrag/	unusable_index and extfrag_index, as the kernel's extfrag files
 * blocks	blocks and objects held through debugfs; writes allocate and
 *		free them
 * map		every block of every region: its order and state
 * fault/	fault injection at the pool's allocation sites (fault.c); the
 *		same directory at the top for pool creation
 *
 * and /sys/kernel/debug/kbuddy/pools, one line per pool.
 */

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/math64.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "debugfs.h"
#include "internal.h"

/* ==== Data =============================================================== */

static struct dentry *kbuddy_debugfs_root;

/* A block (or, with a size, a kbuddy_malloc() object) held by debugfs. */
struct kbuddy_dbg_block {
	struct list_head node;
	unsigned long id;
	void *addr;
	phys_addr_t phys;
	unsigned int order;
	size_t size;
};

/**
 * struct kbuddy_dbg_pool - debugfs state of one pool
 * @pool: the pool
 * @dir: its directory
 * @lock: protects @blocks, @nr_blocks and @next_id
 * @blocks: blocks allocated through the blocks file, oldest first
 * @nr_blocks: entries on @blocks
 * @next_id: the id the next block on @blocks gets (ids are never reused)
 * @refused: writes refused by the pool's files (blocks, fault/)
 */
struct kbuddy_dbg_pool {
	struct kbuddy_pool *pool;
	struct dentry *dir;
	struct mutex lock; /* see above */
	struct list_head blocks;
	unsigned long nr_blocks;
	unsigned long next_id;
	atomic_long_t refused;
};

/* Writes refused by the global fault/ files since kbuddy was loaded. */
static atomic_long_t kbuddy_debugfs_refused_global;

/* Longest write the blocks file takes. */
#define BLOCKS_WRITE_MAX 64
/*
 * Most blocks the blocks file holds per pool: its records (48 bytes each,
 * kmalloc()ed outside the pool) take at most 3 MiB, whatever is asked.
 */
#define BLOCKS_HELD_MAX 65536

/*
 * The log lines of refusals: as pr_warn_ratelimited() would, but the blocks
 * file and the fault knobs each with a budget of their own, so that a
 * script's bad blocks commands do not hide the next bad knob value.
 */
static DEFINE_RATELIMIT_STATE(blocks_refusals, DEFAULT_RATELIMIT_INTERVAL,
			      DEFAULT_RATELIMIT_BURST);
static DEFINE_RATELIMIT_STATE(fault_refusals, DEFAULT_RATELIMIT_INTERVAL,
			      DEFAULT_RATELIMIT_BURST);
static DEFINE_RATELIMIT_STATE(other_refusals, DEFAULT_RATELIMIT_INTERVAL,
			      DEFAULT_RATELIMIT_BURST);

/* Bytes of a refused input the log shows. */
#define REFUSED_SHOWN	32

/*
 * "@in", its first REFUSED_SHOWN bytes in printable ASCII: any other byte,
 * a quote and a backslash as \xHH (%pE passes bytes above 0x9f through).
 */
static void shown_escape(char *what, const char *in, size_t len)
{
	size_t i;
	char *p = what;

	*p++ = '"';
	for (i = 0; i < min_t(size_t, len, REFUSED_SHOWN); i++) {
		unsigned char c = in[i];

		if (c >= ' ' && c < 0x7f && c != '"' && c != '\\')
			*p++ = c;
		else
			p += sprintf(p, "\\x%02x", c);
	}
	sprintf(p, "\"%s", len > REFUSED_SHOWN ? "..." : "");
}

/*
 * Refuse a write: count it in @refused (if not NULL), and say in one log
 * line (ratelimited by @rs) which file, what input and why. @in, the input
 * (@len bytes, NULs and all), is shown without its surrounding white space,
 * escaped (shown_escape()) so that no byte of it can start a log line of
 * its own; with @in NULL, only its length.
 * Return: @err.
 */
static __printf(7, 0) int vrefuse(atomic_long_t *refused,
				  struct ratelimit_state *rs, const char *path,
				  const char *in, size_t len, int err,
				  const char *fmt, va_list args)
{
	char what[4 * REFUSED_SHOWN + 8];
	struct va_format vaf;
	va_list aq;

	if (refused)
		atomic_long_inc(refused);
	if (in) {
		while (len && isspace(*in)) {
			in++;
			len--;
		}
		while (len && isspace(in[len - 1]))
			len--;
		shown_escape(what, in, len);
	} else {
		snprintf(what, sizeof(what), "%zu bytes", len);
	}
	va_copy(aq, args);
	vaf.fmt = fmt;
	vaf.va = &aq;
	if (__ratelimit(rs))
		pr_warn("%s: refused %s: %pV\n", path, what, &vaf);
	va_end(aq);
	return err;
}

/* vrefuse(), counted for @dp's pool, or for the global files if @dp is NULL. */
static __printf(7, 8) int refuse(struct kbuddy_dbg_pool *dp,
				 struct ratelimit_state *rs, const char *path,
				 const char *in, size_t len, int err,
				 const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	err = vrefuse(dp ? &dp->refused : &kbuddy_debugfs_refused_global, rs,
		      path, in, len, err, fmt, args);
	va_end(args);
	return err;
}

/**
 * kbuddy_debugfs_refuse() - refuse a write to another file of a pool's
 * @pool: the pool
 * @file: the file's name in the pool's directory
 * @in: the input (@len bytes, NULs and all), or NULL to show its length only
 * @len: its length
 * @err: the errno to return
 * @fmt: why, and the file's usage
 *
 * As the pool's blocks file refuses a write: counted with its refusals
 * (debugfs_writes_refused in stats) and logged in one line (ratelimited),
 * the input escaped.
 *
 * Context: Any context.
 * Return: @err.
 */
int kbuddy_debugfs_refuse(struct kbuddy_pool *pool, const char *file,
			  const char *in, size_t len, int err, const char *fmt, ...)
{
	struct kbuddy_dbg_pool *dp = pool->debugfs;
	char path[KBUDDY_NAME_LEN + 32];
	va_list args;

	snprintf(path, sizeof(path), "%s/%s", pool->name, file);
	va_start(args, fmt);
	err = vrefuse(dp ? &dp->refused : NULL, &other_refusals, path, in, len,
		      err, fmt, args);
	va_end(args);
	return err;
}

/* ==== Read-only files ==================================================== */

static int buddyinfo_show(struct seq_file *m, void *v)
{
	struct kbuddy_pool *pool = m->private;
	unsigned long nr_free[KBUDDY_NOMAP_MAX_ORDER_LIMIT];
	unsigned int i, order, orders;

	for (i = 0; (orders = kbuddy_region_free_counts(pool, i, nr_free)); i++) {
		seq_printf(m, "Pool %s, region %2u ", pool->name, i);
		for (order = 0; order < orders; order++)
			seq_printf(m, "%6lu ", nr_free[order]);
		seq_putc(m, '\n');
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(buddyinfo);

/* The slab counters of every cache of a pool, summed. */
struct slab_sum {
	unsigned long caches;
	unsigned long slab_pages;	/* pages in slabs */
	unsigned long empty_pages;	/* ... in empty slabs */
	unsigned long obj_bytes;	/* objects handed out, by stride */
	unsigned long mag_bytes;	/* objects parked in magazines */
	struct kbuddy_cache_info info;
};

static int slab_sum_add(const struct kbuddy_cache *c,
			const struct kbuddy_cache_info *info, void *arg)
{
	struct slab_sum *ss = arg;
	struct kbuddy_cache_info *sum = &ss->info;
	unsigned int i;

	ss->slab_pages += info->num_slabs << c->order;
	ss->empty_pages += (info->num_slabs - info->active_slabs) << c->order;
	ss->obj_bytes += info->active_objs * c->size;
	ss->mag_bytes += info->cached_objs * c->size;
	sum->active_objs += info->active_objs;
	sum->num_objs += info->num_objs;
	sum->num_slabs += info->num_slabs;
	sum->cached_objs += info->cached_objs;
	for (i = 0; i < KBUDDY_NR_CACHE_COUNTERS; i++)
		sum->count[i] += info->count[i];
	for (i = 0; i < KBUDDY_NR_MAG_COUNTERS; i++)
		sum->mag_count[i] += info->mag_count[i];
	ss->caches++;
	return 0;
}

static void slab_stats_show(struct seq_file *m, struct slab_sum *ss)
{
	struct kbuddy_cache_info *sum = &ss->info;
	unsigned int i;

	seq_printf(m, "slab_caches %lu\n", ss->caches);
	seq_printf(m, "slab_slabs %lu\n", sum->num_slabs);
	seq_printf(m, "slab_objects %lu\n", sum->num_objs);
	seq_printf(m, "slab_objects_active %lu\n", sum->active_objs);
	seq_printf(m, "slab_objects_cached %lu\n", sum->cached_objs);
	for (i = 0; i < KBUDDY_NR_MAG_COUNTERS; i++)
		seq_printf(m, "slab_%s %lu\n", kbuddy_mag_counter_names[i],
			   sum->mag_count[i]);
	for (i = 0; i < KBUDDY_NR_CACHE_COUNTERS; i++)
		seq_printf(m, "slab_%s %lu\n", kbuddy_cache_counter_names[i],
			   sum->count[i]);
}

/*
 * Where the pages out of the free lists are, and what is wasted: bytes
 * handed out (after rounding to a block or an object stride), memory free
 * but parked (CPU caches, empty slabs, magazines), and external waste: free
 * pages in blocks below the largest order a request failed at.
 */
static void use_show(struct seq_file *m, struct kbuddy_pool *pool,
		     struct kbuddy_pool_stats *ps, struct slab_sum *ss)
{
	unsigned long nr_free[KBUDDY_NOMAP_MAX_ORDER_LIMIT];
	unsigned long held = ps->nr_pages - ps->nr_free, blocks, ext = 0;
	unsigned int order, failed = 0;

	for (order = 0; order < ps->max_order; order++)
		if (ps->stats.fail[order])
			failed = order;
	kbuddy_pool_free_counts(pool, nr_free);
	for (order = 0; order < failed; order++)
		ext += nr_free[order] << order;
	/* Read at different times without one lock: clamp, never wrap. */
	blocks = held - min(held, ps->pcp_pages + ss->slab_pages);
	seq_printf(m, "pages_held %lu\n", held);
	seq_printf(m, "pages_held_peak %lu\n", max(ps->stats.held_peak, held));
	seq_printf(m, "bytes_handed_out %lu\n",
		   blocks * PAGE_SIZE + ss->obj_bytes);
	seq_printf(m, "parked_pages_pcp %lu\n", ps->pcp_pages);
	seq_printf(m, "parked_pages_empty_slabs %lu\n", ss->empty_pages);
	seq_printf(m, "parked_bytes_magazines %lu\n", ss->mag_bytes);
	seq_printf(m, "waste_external_pages %lu\n", ext);
}

static int stats_show(struct seq_file *m, void *v)
{
	struct kbuddy_pool *pool = m->private;
	struct kbuddy_pool_stats *ps;
	struct slab_sum *ss;
	unsigned int order, i;
	int err;

	ss = kzalloc(sizeof(*ss), GFP_KERNEL);
	ps = kmalloc(sizeof(*ps), GFP_KERNEL);
	err = ss && ps ? 0 : -ENOMEM;
	if (!err)
		err = kbuddy_visit_caches(pool, slab_sum_add, ss);
	if (err)
		goto out;
	kbuddy_pool_stats(pool, ps);

	seq_printf(m, "max_order %u\n", ps->max_order);
	seq_printf(m, "regions %u\n", ps->nr_regions);
	seq_printf(m, "pages_total %lu\n", ps->nr_pages);
	seq_printf(m, "pages_free %lu\n", ps->nr_free);
	seq_printf(m, "pages_used %lu\n",
		   ps->nr_pages - ps->nr_free - ps->pcp_pages);
	seq_printf(m, "pages_pcp %lu\n", ps->pcp_pages);
	for (order = 0; order < ps->max_order; order++)
		seq_printf(m, "alloc_order_%u %lu\n", order,
			   ps->stats.alloc[order]);
	for (order = 0; order < ps->max_order; order++)
		seq_printf(m, "free_order_%u %lu\n", order,
			   ps->stats.free[order]);
	for (order = 0; order < ps->max_order; order++)
		seq_printf(m, "fail_order_%u %lu\n", order,
			   ps->stats.fail[order]);
	for (i = 0; i < KBUDDY_NR_COUNTERS; i++)
		seq_printf(m, "%s %lu\n", kbuddy_counter_names[i],
			   ps->stats.counter[i]);
	for (i = 0; i < KBUDDY_NR_PCP_COUNTERS; i++)
		seq_printf(m, "%s %lu\n", kbuddy_pcp_counter_names[i],
			   ps->pcp_events[i]);
	slab_stats_show(m, ss);
	use_show(m, pool, ps, ss);
	seq_printf(m, "debugfs_writes_refused %lu\n", kbuddy_debugfs_refused(pool));
out:
	kfree(ps);
	kfree(ss);
	return err;
}
DEFINE_SHOW_ATTRIBUTE(stats);

/*
 * Fragmentation of each region, with mm/vmstat.c's formulas: per order j,
 * unusable index (F - sum_{i>=j} 2^i k_i) / F and fragmentation index
 * 1 - (1 + F / 2^j) / sum_i k_i, the latter -1 when a block of order >= j is
 * free. Both in thousandths, printed as the kernel's extfrag files do.
 */
static int extfrag_show(struct seq_file *m, bool unusable)
{
	unsigned long nr_free[KBUDDY_NOMAP_MAX_ORDER_LIMIT];
	struct kbuddy_pool *pool = m->private;
	unsigned int i, order, o, orders;

	for (i = 0; (orders = kbuddy_region_free_counts(pool, i, nr_free)); i++) {
		unsigned long free_pages = 0, blocks = 0;

		for (order = 0; order < orders; order++) {
			free_pages += nr_free[order] << order;
			blocks += nr_free[order];
		}
		seq_printf(m, "Pool %s, region %2u ", pool->name, i);
		for (order = 0; order < orders; order++) {
			unsigned long suitable = 0;
			long index;

			for (o = order; o < orders; o++)
				suitable += nr_free[o] << (o - order);
			if (unusable) {
				u64 unusable_pages = free_pages - (suitable << order);

				index = free_pages ?
					div64_u64(unusable_pages * 1000, free_pages) : 0;
				seq_printf(m, "%ld.%03ld ", index / 1000, index % 1000);
				continue;
			}
			if (!blocks)
				index = 0;
			else if (suitable)
				index = -1000;
			else
				index = 1000 - div64_u64(1000 + div64_u64((u64)free_pages * 1000,
									  1UL << order),
							 blocks);
			/* Signed, so that -0.500 does not print as 0.500. */
			seq_printf(m, "%c%ld.%03ld ", index < 0 ? '-' : ' ',
				   abs(index) / 1000, abs(index) % 1000);
		}
		seq_putc(m, '\n');
	}
	return 0;
}

static int unusable_index_show(struct seq_file *m, void *v)
{
	return extfrag_show(m, true);
}
DEFINE_SHOW_ATTRIBUTE(unusable_index);

static int extfrag_index_show(struct seq_file *m, void *v)
{
	return extfrag_show(m, false);
}
DEFINE_SHOW_ATTRIBUTE(extfrag_index);

static int slabinfo_row(const struct kbuddy_cache *c,
			const struct kbuddy_cache_info *info, void *arg)
{
	struct seq_file *m = arg;

	seq_printf(m, "%-17s %6lu %6lu %6u %4u %4u", c->name,
		   info->active_objs, info->num_objs, c->size,
		   c->objects, 1U << c->order);
	seq_printf(m, " : tunables %4u %4u %4u", c->mag_size,
		   c->mag_size / 2, c->depot_max);
	seq_printf(m, " : slabdata %6lu %6lu %6lu\n",
		   info->active_slabs, info->num_slabs, info->cached_objs);
	return 0;
}

static int slabinfo_show(struct seq_file *m, void *v)
{
	/* The layout of /proc/slabinfo, version 2.1 (mm/slab_common.c). */
	seq_puts(m, "slabinfo - version: 2.1\n");
	seq_puts(m, "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>");
	seq_puts(m, " : tunables <limit> <batchcount> <sharedfactor>");
	seq_puts(m, " : slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	return kbuddy_visit_caches(m->private, slabinfo_row, m);
}
DEFINE_SHOW_ATTRIBUTE(slabinfo);

static __printf(2, 0) void seq_report(void *ctx, const char *fmt, va_list args)
{
	seq_vprintf(ctx, fmt, args);
}

static int validate_show(struct seq_file *m, void *v)
{
	struct kbuddy_pool *pool = m->private;
	long problems = kbuddy_pool_check(pool, seq_report, m);

	if (!problems)
		seq_puts(m, "ok\n");
	else if (problems > 0)
		seq_printf(m, "%ld problems\n", problems);
	else
		seq_printf(m, "not checked: error %ld\n", problems);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(validate);

/* owners: what is allocated, grouped by the stack that allocated it. */
static int owners_show(struct seq_file *m, void *v)
{
	long rows = kbuddy_owners_report(m->private, seq_report, m);

	if (rows < 0)
		seq_printf(m, "not read: error %ld\n", rows);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(owners);

/* ==== The map file and the pools file ==================================== */

/**
 * struct map_iter - a reader of a pool's map, one step of records at a time
 * @pool: the pool
 * @cur: where the step after the one in @rec starts
 * @pos: the seq_file position of the step in @rec, or -1 before the first
 * @region: the region of the step in @rec
 * @header: what the step in @rec starts with: MAP_POOL_HEADER at the
 *	start of the map, MAP_REGION_HEADER at a region's first page
 * @nr: records in @rec; a step past the last region has none
 * @rec: the step's records
 *
 * seq_file may show a position again (its buffer was too small) or go on
 * from it: the step at @pos is kept until the next one is taken.
 */
struct map_iter {
	struct kbuddy_pool *pool;
	struct kbuddy_map_cursor cur;
	loff_t pos;
	unsigned int region;
	unsigned int header;
	unsigned int nr;
	struct kbuddy_map_rec rec[KBUDDY_MAP_STEP];
};

#define MAP_POOL_HEADER		BIT(0)
#define MAP_REGION_HEADER	BIT(1)

/* Take the next step into it. Return: false past the end of the map. */
static bool map_next_step(struct map_iter *it)
{
	phys_addr_t phys;
	u64 size;

	it->header = it->pos < 0 ? MAP_POOL_HEADER : 0;
	it->pos++;
	if (kbuddy_pool_region(it->pool, it->cur.region, &phys, &size)) {
		it->nr = 0;
		/* The pool header alone, for a pool without regions. */
		return it->header;
	}
	if (!it->cur.page)
		it->header |= MAP_REGION_HEADER;
	it->region = it->cur.region;
	it->nr = kbuddy_map_step(it->pool, &it->cur, it->rec, KBUDDY_MAP_STEP);
	return true;
}

/* The step at @pos, taken afresh from the start if it is not at hand. */
static void *map_seek(struct map_iter *it, loff_t pos)
{
	if (pos == it->pos)
		return it;
	if (pos < it->pos || it->pos < 0) {
		it->pos = -1;
		it->cur.region = 0;
		it->cur.page = 0;
	}
	while (it->pos < pos)
		if (!map_next_step(it))
			return NULL;
	return it;
}

/* One line of the map into @buf (at least 96 bytes). Return: its length. */
static int map_line(char *buf, size_t size, const struct kbuddy_map_rec *rec)
{
	return scnprintf(buf, size, "%lu %u %s %lu%s%s\n", rec->page, rec->order,
			 kbuddy_map_state_name(rec->state), rec->count,
			 rec->cache[0] ? " " : "", rec->cache);
}

/* The header lines of the step in @it into @buf. Return: their length. */
static int map_header(char *buf, size_t size, const struct map_iter *it)
{
	struct kbuddy_pool *pool = it->pool;
	phys_addr_t phys, end;
	unsigned int regions;
	int len = 0;
	u64 bytes;

	if (it->header & MAP_POOL_HEADER) {
		for (regions = 0; !kbuddy_pool_region(pool, regions, &phys, &bytes);)
			regions++;
		len += scnprintf(buf, size, "pool %s kind=%s max_order=%u regions=%u\n",
				 pool->name, kbuddy_pool_kind_name(pool),
				 kbuddy_pool_max_order(pool), regions);
	}
	if ((it->header & MAP_REGION_HEADER) &&
	    !kbuddy_pool_region(pool, it->region, &phys, &bytes)) {
		end = phys + bytes;
		len += scnprintf(buf + len, size - len, "region %u %pa-%pa pages=%llu\n",
				 it->region, &phys, &end, bytes >> PAGE_SHIFT);
	}
	return len;
}

static void *map_start(struct seq_file *m, loff_t *pos)
{
	return map_seek(m->private, *pos);
}

static void *map_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return map_seek(m->private, *pos);
}

static void map_stop(struct seq_file *m, void *v)
{
}

static int map_show(struct seq_file *m, void *v)
{
	struct map_iter *it = v;
	char line[160];
	unsigned int i;

	seq_write(m, line, map_header(line, sizeof(line), it));
	for (i = 0; i < it->nr; i++)
		seq_write(m, line, map_line(line, sizeof(line), &it->rec[i]));
	return 0;
}

static const struct seq_operations map_sops = {
	.start	= map_start,
	.next	= map_next,
	.stop	= map_stop,
	.show	= map_show,
};

/* A reader's steps take 14 KiB: kvzalloc()ed, not a high-order kzalloc(). */
static int map_open(struct inode *inode, struct file *file)
{
	struct map_iter *it = kvzalloc(sizeof(*it), GFP_KERNEL);
	int err;

	if (!it)
		return -ENOMEM;
	err = seq_open(file, &map_sops);
	if (err) {
		kvfree(it);
		return err;
	}
	it->pool = inode->i_private;
	it->pos = -1;
	((struct seq_file *)file->private_data)->private = it;
	return 0;
}

static int map_release(struct inode *inode, struct file *file)
{
	kvfree(((struct seq_file *)file->private_data)->private);
	return seq_release(inode, file);
}

static const struct file_operations map_fops = {
	.owner		= THIS_MODULE,
	.open		= map_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= map_release,
};

struct pools_ctx {
	struct seq_file *m;
	struct kbuddy_pool_stats ps;
};

/* One line of the pools file. */
static void pools_line(struct kbuddy_pool *pool, void *arg)
{
	struct pools_ctx *ctx = arg;
	struct kbuddy_pool_stats *ps = &ctx->ps;
	struct seq_file *m = ctx->m;
	phys_addr_t phys, end;
	unsigned int i;
	u64 size;

	kbuddy_pool_stats(pool, ps);
	seq_printf(m, "%s kind=%s max_order=%u pages=%lu free=%lu cached=%lu used=%lu regions=",
		   pool->name, kbuddy_pool_kind_name(pool), pool->max_order,
		   ps->nr_pages, ps->nr_free, ps->pcp_pages,
		   ps->nr_pages - ps->nr_free - ps->pcp_pages);
	for (i = 0; !kbuddy_pool_region(pool, i, &phys, &size); i++) {
		end = phys + size;
		seq_printf(m, "%s%pa-%pa", i ? "," : "", &phys, &end);
	}
	if (!i)
		seq_putc(m, '-');
	if (pool->wc)
		seq_puts(m, " wc=1");
	if (kbuddy_pool_offer_id(pool))
		seq_printf(m, " offer=%u", kbuddy_pool_offer_id(pool));
	seq_putc(m, '\n');
}

static int pools_show(struct seq_file *m, void *v)
{
	struct pools_ctx *ctx = kmalloc(sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return -ENOMEM;
	ctx->m = m;
	kbuddy_pools_walk(pools_line, ctx);
	kfree(ctx);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pools);

/* ==== The blocks file ==================================================== */

static int blocks_show(struct seq_file *m, void *v)
{
	struct kbuddy_dbg_pool *dp = m->private;
	struct kbuddy_dbg_block *b;

	mutex_lock(&dp->lock);
	list_for_each_entry(b, &dp->blocks, node) {
		if (b->size)
			seq_printf(m, "%lu %pa malloc %zu\n", b->id, &b->phys,
				   b->size);
		else
			seq_printf(m, "%lu %pa pages %u\n", b->id, &b->phys,
				   b->order);
	}
	mutex_unlock(&dp->lock);
	return 0;
}

static int blocks_open(struct inode *inode, struct file *file)
{
	return single_open(file, blocks_show, inode->i_private);
}

enum blocks_cmd {
	BLOCKS_ALLOC, BLOCKS_MALLOC, BLOCKS_FREE, BLOCKS_FREE_ID, BLOCKS_FREE_ALL,
	BLOCKS_DRAIN, BLOCKS_SHRINK,
};

struct blocks_req {
	enum blocks_cmd cmd;
	unsigned int order;
	unsigned long count;
	size_t size;
	phys_addr_t phys;
	unsigned long id;
};

static const char blocks_usage[] =
	"usage: alloc ORDER [COUNT] | malloc SIZE [COUNT] | free PHYS|id ID|all | drain | shrink";

/*
 * Parse the whole write before anything changes. Numbers take a 0x prefix
 * for hex (a PHYS is hex) and a leading 0 for octal.
 * Return: NULL, or why @buf is refused.
 */
static const char *blocks_parse(char *buf, struct blocks_req *req)
{
	char *args[3], *s = strim(buf), *tok;
	unsigned int n = 0;
	u64 phys;

	while ((tok = strsep(&s, " \t")) != NULL) {
		if (!*tok)
			continue;
		if (n == ARRAY_SIZE(args))
			return "too many words";
		args[n++] = tok;
	}
	if (!n)
		return "empty";
	req->count = 1;
	if (!strcmp(args[0], "drain") || !strcmp(args[0], "shrink")) {
		req->cmd = args[0][0] == 'd' ? BLOCKS_DRAIN : BLOCKS_SHRINK;
		return n == 1 ? NULL : "takes no argument";
	}
	if (!strcmp(args[0], "alloc") || !strcmp(args[0], "malloc")) {
		req->cmd = args[0][0] == 'a' ? BLOCKS_ALLOC : BLOCKS_MALLOC;
		if (n == 1)
			return req->cmd == BLOCKS_ALLOC ? "no ORDER" : "no SIZE";
		if (req->cmd == BLOCKS_ALLOC && kstrtouint(args[1], 0, &req->order))
			return "ORDER is not a number below 2^32";
		if (req->cmd == BLOCKS_MALLOC &&
		    (kstrtoul(args[1], 0, &req->size) || !req->size))
			return "SIZE is not a number from 1 to 2^64-1";
		if (n == 3 && (kstrtoul(args[2], 0, &req->count) || !req->count))
			return "COUNT is not a number from 1 to 2^64-1";
		return NULL;
	}
	if (!strcmp(args[0], "free")) {
		if (n == 2 && !strcmp(args[1], "id"))
			return "no ID";
		if (n == 3 && !strcmp(args[1], "id")) {
			req->cmd = BLOCKS_FREE_ID;
			if (kstrtoul(args[2], 10, &req->id))
				return "ID is not a decimal number below 2^64";
			return NULL;
		}
		if (n != 2)
			return "takes PHYS, id ID or all";
		if (!strcmp(args[1], "all")) {
			req->cmd = BLOCKS_FREE_ALL;
			return NULL;
		}
		req->cmd = BLOCKS_FREE;
		if (kstrtou64(args[1], 0, &phys) || phys != (phys_addr_t)phys)
			return "PHYS is not a physical address";
		req->phys = phys;
		return NULL;
	}
	return "unknown command";
}

static void blocks_free_list(struct kbuddy_dbg_pool *dp,
			     struct list_head *list)
{
	struct kbuddy_dbg_block *b, *tmp;

	list_for_each_entry_safe(b, tmp, list, node) {
		if (b->size)
			kbuddy_free(dp->pool, b->addr);
		else
			kbuddy_free_pages(dp->pool, b->addr, b->order);
		list_del(&b->node);
		kfree(b);
	}
}

/*
 * Allocate all @req->count blocks or none.
 * Return: NULL, or why not (*@err the errno).
 */
static const char *blocks_alloc(struct kbuddy_dbg_pool *dp,
				struct blocks_req *req, int *err)
{
	struct kbuddy_pool *pool = dp->pool;
	struct kbuddy_dbg_block *b;
	unsigned long i;
	LIST_HEAD(new);

	*err = -EINVAL;
	if (kbuddy_pool_kind(pool) != KBUDDY_POOL_RAM)
		return "the pool's memory has no kernel mapping: alloc and malloc need a ram pool";
	if (req->cmd == BLOCKS_ALLOC && req->order >= pool->max_order)
		return "ORDER at or above the pool's max_order";
	if (req->cmd == BLOCKS_ALLOC &&
	    req->count > kbuddy_pool_total_pages(pool) >> req->order)
		return "COUNT blocks of ORDER are more than the pool's pages";
	if (req->cmd == BLOCKS_MALLOC &&
	    req->size > PAGE_SIZE << (pool->max_order - 1))
		return "SIZE larger than the pool's largest block";
	if (req->cmd == BLOCKS_MALLOC &&
	    req->count > kbuddy_pool_total_pages(pool) << PAGE_SHIFT >> 3)
		return "COUNT objects are more than the pool can hold";
	*err = -ENOSPC;
	if (req->count > BLOCKS_HELD_MAX - dp->nr_blocks)
		return "more than the file holds: at most 65536 blocks";
	for (i = 0; i < req->count; i++) {
		b = kmalloc(sizeof(*b), GFP_KERNEL);
		if (!b)
			goto undo;
		b->order = req->order;
		b->size = req->cmd == BLOCKS_MALLOC ? req->size : 0;
		if (b->size)
			b->addr = kbuddy_malloc(pool, b->size, GFP_KERNEL);
		else
			b->addr = kbuddy_alloc_pages(pool, req->order,
						     GFP_KERNEL);
		if (!b->addr) {
			kfree(b);
			goto undo;
		}
		b->phys = kbuddy_virt_to_phys(pool, b->addr);
		b->id = dp->next_id + i;
		list_add_tail(&b->node, &new);
		cond_resched();
	}
	list_splice_tail(&new, &dp->blocks);
	dp->nr_blocks += req->count;
	dp->next_id += req->count;
	*err = 0;
	return NULL;
undo:
	blocks_free_list(dp, &new);
	*err = -ENOMEM;
	return "out of memory (or a failure injected); nothing allocated";
}

/* Free the block held here at @phys, or (@by_id) the one numbered @id. */
static const char *blocks_free(struct kbuddy_dbg_pool *dp, bool by_id,
			       phys_addr_t phys, unsigned long id, int *err)
{
	struct kbuddy_dbg_block *b;

	list_for_each_entry(b, &dp->blocks, node) {
		if (by_id ? b->id != id : b->phys != phys)
			continue;
		if (b->size ? kbuddy_free(dp->pool, b->addr) :
			      kbuddy_free_pages(dp->pool, b->addr, b->order)) {
			*err = -EIO;
			return "the pool refused to free it (see its report)";
		}
		list_del(&b->node);
		kfree(b);
		dp->nr_blocks--;
		*err = 0;
		return NULL;
	}
	*err = -EINVAL;
	return by_id ? "ID is not a block held here" :
		       "PHYS is not a block held here";
}

/* Apply a parsed command. Return: NULL, or why not (*@err the errno). */
static const char *blocks_apply(struct kbuddy_dbg_pool *dp,
				struct blocks_req *req, int *err)
{
	const char *why = NULL;

	*err = 0;
	mutex_lock(&dp->lock);
	switch (req->cmd) {
	case BLOCKS_ALLOC:
	case BLOCKS_MALLOC:
		why = blocks_alloc(dp, req, err);
		break;
	case BLOCKS_FREE:
	case BLOCKS_FREE_ID:
		why = blocks_free(dp, req->cmd == BLOCKS_FREE_ID, req->phys,
				  req->id, err);
		break;
	case BLOCKS_FREE_ALL:
		blocks_free_list(dp, &dp->blocks);
		dp->nr_blocks = 0;
		break;
	case BLOCKS_DRAIN:
		kbuddy_pool_drain(dp->pool);
		break;
	case BLOCKS_SHRINK:
		kbuddy_kmalloc_shrink(dp->pool);
		break;
	}
	mutex_unlock(&dp->lock);
	return why;
}

/*
 * One write of @count bytes at @in (a kernel copy, not NUL-terminated; not
 * read when @count is too large; NULL if the user's buffer was unreadable):
 * parsed whole, then applied. Return: @count, or the refusal's errno.
 */
static ssize_t blocks_command(struct kbuddy_dbg_pool *dp, const char *in,
			      size_t count)
{
	char buf[BLOCKS_WRITE_MAX + 1];
	struct blocks_req req;
	const char *why;
	char path[KBUDDY_NAME_LEN + 8];
	int err;

	snprintf(path, sizeof(path), "%s/blocks", dp->pool->name);
	if (count > BLOCKS_WRITE_MAX)
		return refuse(dp, &blocks_refusals, path, NULL, count, -EINVAL,
			      "longer than %d bytes; %s", BLOCKS_WRITE_MAX,
			      blocks_usage);
	if (!in)
		return refuse(dp, &blocks_refusals, path, NULL, count, -EFAULT,
			      "the buffer is not readable");
	memcpy(buf, in, count);
	buf[count] = '\0';
	/* Before strim(), which writes NULs of its own. */
	if (memchr(buf, '\0', count))
		return refuse(dp, &blocks_refusals, path, in, count, -EINVAL,
			      "a NUL byte inside; %s", blocks_usage);
	/* Cuts @buf into words: a refusal shows @in. */
	why = blocks_parse(buf, &req);
	if (why)
		return refuse(dp, &blocks_refusals, path, in, count, -EINVAL, "%s; %s", why,
			      blocks_usage);
	why = blocks_apply(dp, &req, &err);
	if (why)
		return refuse(dp, &blocks_refusals, path, in, count, err, "%s", why);
	return count;
}

static ssize_t blocks_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct kbuddy_dbg_pool *dp =
		((struct seq_file *)file->private_data)->private;
	char buf[BLOCKS_WRITE_MAX];

	/* A command file: where a read left the position does not matter. */
	if (count <= sizeof(buf) && copy_from_user(buf, ubuf, count))
		return blocks_command(dp, NULL, count);
	return blocks_command(dp, buf, count);
}

static const struct file_operations blocks_fops = {
	.owner		= THIS_MODULE,
	.open		= blocks_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.write		= blocks_write,
	.release	= single_release,
};

/* ==== Fault injection ==================================================== */

/*
 * <pool>/fault/ and the global kbuddy/fault/ (pool creation): nth, sites and
 * injected are kbuddy's own on every kernel; probability, interval and
 * times are the kernel's fault_attr files where it has them, else
 * kbuddy's own with the same meaning. A write is parsed whole before
 * anything changes; a refused one changes nothing and says why in the log.
 */
#define FAULT_INPUT_MAX	256

static const char * const fault_knob_names[KBUDDY_NR_FAULT_KNOBS] = {
	[KBUDDY_FAULT_PROBABILITY] = "probability",
	[KBUDDY_FAULT_INTERVAL] = "interval",
	[KBUDDY_FAULT_TIMES] = "times",
	[KBUDDY_FAULT_NTH] = "nth",
	[KBUDDY_FAULT_SITES] = "sites",
};

static const char * const fault_knob_usage[KBUDDY_NR_FAULT_KNOBS] = {
	[KBUDDY_FAULT_PROBABILITY] = "probability: a percentage, 0 to 100",
	[KBUDDY_FAULT_INTERVAL] = "interval: 1 to 2147483647",
	[KBUDDY_FAULT_TIMES] = "times: -1 (no limit) to 2147483647",
	[KBUDDY_FAULT_NTH] = "nth: 0 (off) to 2147483647",
	[KBUDDY_FAULT_SITES] = "sites: all, none, or the names the injected file lists",
};

static int fault_knob_show(struct seq_file *m, enum kbuddy_fault_knob knob)
{
	struct kbuddy_fault *f = m->private;
	unsigned long sites;
	unsigned int i;

	if (knob != KBUDDY_FAULT_SITES) {
		seq_printf(m, "%ld\n", kbuddy_fault_get(f, knob));
		return 0;
	}
	sites = kbuddy_fault_get(f, KBUDDY_FAULT_SITES);
	for (i = 0; i < KBUDDY_NR_FAULT_SITES; i++)
		if (sites & BIT(i))
			seq_printf(m, "%s ", kbuddy_fault_site_names[i]);
	seq_putc(m, '\n');
	return 0;
}

/* The debugfs state of the pool @f belongs to; NULL for the global knobs. */
static struct kbuddy_dbg_pool *fault_dbg_pool(struct kbuddy_fault *f)
{
	if (f == &kbuddy_fault_global)
		return NULL;
	return container_of(f, struct kbuddy_pool, fault)->debugfs;
}

/*
 * One write of @count bytes at @in (a kernel copy, not NUL-terminated; not
 * read when @count is out of bounds; NULL if the user's buffer was
 * unreadable) to @knob of @f at file position @pos: parsed whole, then set.
 * Return: @count, or the refusal's errno.
 */
static ssize_t fault_command(struct kbuddy_fault *f,
			     enum kbuddy_fault_knob knob, const char *in,
			     size_t count, loff_t pos)
{
	struct kbuddy_dbg_pool *dp = fault_dbg_pool(f);
	char buf[FAULT_INPUT_MAX], path[KBUDDY_NAME_LEN + 32];
	const char *why = NULL;
	unsigned long sites;
	char *val;
	long n;
	int err;

	snprintf(path, sizeof(path), "%s%sfault/%s", dp ? dp->pool->name : "",
		 dp ? "/" : "", fault_knob_names[knob]);
	if (pos || !count || count >= FAULT_INPUT_MAX)
		return refuse(dp, &fault_refusals, path, NULL, count, -EINVAL,
			      "at offset %lld (one write of 1 to %d bytes at offset 0); %s",
			      pos, FAULT_INPUT_MAX - 1, fault_knob_usage[knob]);
	if (!in)
		return refuse(dp, &fault_refusals, path, NULL, count, -EFAULT,
			      "the buffer is not readable");
	memcpy(buf, in, count);
	buf[count] = '\0';
	/* Before strim(), which writes NULs of its own. */
	val = memchr(buf, '\0', count) ? NULL : strim(buf);
	if (!val) {
		why = "a NUL byte inside";
	} else if (!*val) {
		why = "empty";
	} else if (knob == KBUDDY_FAULT_SITES) {
		if (kbuddy_fault_parse_sites(val, &sites))
			why = "an unknown site, no site, or all/none with others";
		else
			kbuddy_fault_set(f, knob, sites);
	} else {
		/* Decimal: "010" is ten, not octal eight. */
		err = kstrtol(val, 10, &n);
		if (err == -ERANGE)
			why = "out of range";
		else if (err)
			why = "not a number";
		else if (kbuddy_fault_set(f, knob, n))
			why = "out of range";
	}
	if (why)
		return refuse(dp, &fault_refusals, path, in, count, -EINVAL, "%s; %s", why,
			      fault_knob_usage[knob]);
	return count;
}

static ssize_t fault_knob_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos,
				enum kbuddy_fault_knob knob)
{
	struct kbuddy_fault *f = ((struct seq_file *)file->private_data)->private;
	char buf[FAULT_INPUT_MAX];

	if (!*ppos && count < sizeof(buf) && copy_from_user(buf, ubuf, count))
		return fault_command(f, knob, NULL, count, 0);
	return fault_command(f, knob, buf, count, *ppos);
}

#define FAULT_KNOB_FOPS(name, knob)					\
static const enum kbuddy_fault_knob fault_##name##_knob = (knob);	\
static int fault_##name##_show(struct seq_file *m, void *v)		\
{									\
	return fault_knob_show(m, fault_##name##_knob);			\
}									\
static int fault_##name##_open(struct inode *inode, struct file *file)	\
{									\
	return single_open(file, fault_##name##_show, inode->i_private); \
}									\
static ssize_t fault_##name##_write(struct file *file,			\
				    const char __user *ubuf,		\
				    size_t count, loff_t *ppos)		\
{									\
	return fault_knob_write(file, ubuf, count, ppos,		\
				fault_##name##_knob);			\
}									\
static const struct file_operations fault_##name##_fops = {		\
	.owner		= THIS_MODULE,					\
	.open		= fault_##name##_open,				\
	.read		= seq_read,					\
	.llseek		= seq_lseek,					\
	.write		= fault_##name##_write,				\
	.release	= single_release,				\
}

FAULT_KNOB_FOPS(nth, KBUDDY_FAULT_NTH);
FAULT_KNOB_FOPS(sites, KBUDDY_FAULT_SITES);
#if !KBUDDY_FAULT_ATTR
FAULT_KNOB_FOPS(probability, KBUDDY_FAULT_PROBABILITY);
FAULT_KNOB_FOPS(interval, KBUDDY_FAULT_INTERVAL);
FAULT_KNOB_FOPS(times, KBUDDY_FAULT_TIMES);
#endif

/* Failures injected so far, one "site count" line per site. */
static int fault_injected_show(struct seq_file *m, void *v)
{
	struct kbuddy_fault *f = m->private;
	unsigned int i;

	for (i = 0; i < KBUDDY_NR_FAULT_SITES; i++)
		seq_printf(m, "%-12s %ld\n", kbuddy_fault_site_names[i],
			   atomic_long_read(&f->injected[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fault_injected);

/* The global fault/refused: writes its files refused. */
static int fault_refused_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%lu\n", kbuddy_debugfs_refused(NULL));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fault_refused);

/*
 * 6.1's fault_create_debugfs_attr() keeps a reference to the directory it
 * made (attr->dname, a dentry; later kernels copy the name into a char
 * array instead): dropped once the directory is removed.
 */
static void fault_debugfs_put(struct kbuddy_fault *f)
{
#if KBUDDY_FAULT_ATTR
	if (__same_type(f->attr.dname, struct dentry *)) {
		struct dentry **dir = (struct dentry **)&f->attr.dname;

		dput(*dir);
		*dir = NULL;
	}
#endif
}

/* Create @parent/fault/ for @f. Return: the directory, or an error. */
static struct dentry *fault_debugfs_add(struct dentry *parent,
					struct kbuddy_fault *f)
{
	struct dentry *dir;

#if KBUDDY_FAULT_ATTR
	dir = fault_create_debugfs_attr("fault", parent, &f->attr);
#else
	dir = debugfs_create_dir("fault", parent);
	debugfs_create_file("probability", 0600, dir, f, &fault_probability_fops);
	debugfs_create_file("interval", 0600, dir, f, &fault_interval_fops);
	debugfs_create_file("times", 0600, dir, f, &fault_times_fops);
#endif
	if (IS_ERR_OR_NULL(dir))
		return dir ? dir : ERR_PTR(-ENOMEM);
	debugfs_create_file("nth", 0600, dir, f, &fault_nth_fops);
	debugfs_create_file("sites", 0600, dir, f, &fault_sites_fops);
	debugfs_create_file("injected", 0400, dir, f, &fault_injected_fops);
	return dir;
}

/* ==== Pools ============================================================== */

/**
 * kbuddy_debugfs_add_pool() - create /sys/kernel/debug/kbuddy/<pool>/
 * @pool: the new pool
 *
 * debugfs is a debugging aid: a pool works without its files, so failures
 * here are not errors.
 *
 * Context: Process context; may sleep.
 */
void kbuddy_debugfs_add_pool(struct kbuddy_pool *pool)
{
	struct kbuddy_dbg_pool *dp;
	struct dentry *extfrag;

	if (IS_ERR_OR_NULL(kbuddy_debugfs_root))
		return;
	dp = kzalloc(sizeof(*dp), GFP_KERNEL);
	if (!dp)
		return;
	dp->pool = pool;
	mutex_init(&dp->lock);
	INIT_LIST_HEAD(&dp->blocks);
	dp->next_id = 1;
	dp->dir = debugfs_create_dir(pool->name, kbuddy_debugfs_root);
	/* Before the files: a refused write is counted from the first one. */
	pool->debugfs = dp;
	debugfs_create_file("buddyinfo", 0400, dp->dir, pool, &buddyinfo_fops);
	debugfs_create_file("stats", 0400, dp->dir, pool, &stats_fops);
	debugfs_create_file("validate", 0400, dp->dir, pool, &validate_fops);
	debugfs_create_file("owners", 0400, dp->dir, pool, &owners_fops);
	debugfs_create_file("slabinfo", 0400, dp->dir, pool, &slabinfo_fops);
	extfrag = debugfs_create_dir("extfrag", dp->dir);
	debugfs_create_file("unusable_index", 0400, extfrag, pool,
			    &unusable_index_fops);
	debugfs_create_file("extfrag_index", 0400, extfrag, pool,
			    &extfrag_index_fops);
	debugfs_create_file("blocks", 0600, dp->dir, dp, &blocks_fops);
	debugfs_create_file("map", 0400, dp->dir, pool, &map_fops);
	kbuddy_hist_debugfs(pool, dp->dir);
	fault_debugfs_add(dp->dir, &pool->fault);
}

/**
 * kbuddy_debugfs_remove_pool() - remove a pool's files, free its blocks
 * @pool: the pool being destroyed
 *
 * Context: Process context; may sleep.
 */
void kbuddy_debugfs_remove_pool(struct kbuddy_pool *pool)
{
	struct kbuddy_dbg_pool *dp = pool->debugfs;

	if (!dp)
		return;
	/* Waits for readers and writers still inside the files. */
	debugfs_remove_recursive(dp->dir);
	fault_debugfs_put(&pool->fault);
	blocks_free_list(dp, &dp->blocks);
	mutex_destroy(&dp->lock);
	kfree(dp);
	pool->debugfs = NULL;
}

/**
 * kbuddy_debugfs_init() - create /sys/kernel/debug/kbuddy/
 *
 * Context: Process context; may sleep.
 * Return: 0 (debugfs failures are not fatal).
 */
int kbuddy_debugfs_init(void)
{
	struct dentry *fault;

	kbuddy_debugfs_root = debugfs_create_dir("kbuddy", NULL);
	if (IS_ERR_OR_NULL(kbuddy_debugfs_root))
		return 0;
	debugfs_create_file("pools", 0400, kbuddy_debugfs_root, NULL,
			    &pools_fops);
	fault = fault_debugfs_add(kbuddy_debugfs_root, &kbuddy_fault_global);
	if (!IS_ERR(fault))
		debugfs_create_file("refused", 0400, fault, NULL,
				    &fault_refused_fops);
	return 0;
}

/**
 * kbuddy_debugfs_exit() - remove /sys/kernel/debug/kbuddy/
 *
 * Context: Process context; may sleep.
 */
void kbuddy_debugfs_exit(void)
{
	debugfs_remove_recursive(kbuddy_debugfs_root);
	fault_debugfs_put(&kbuddy_fault_global);
	kbuddy_debugfs_root = NULL;
}

/* ==== For the KUnit suite kbuddy_debugfs ================================= */

/**
 * kbuddy_debugfs_refused() - writes refused by a pool's debugfs files
 * @pool: the pool (its blocks and fault/ files), or NULL for the global
 *	fault/ files
 *
 * Every refused write is counted once and logged once (ratelimited).
 *
 * Context: Any context.
 * Return: the count since the pool was created (kbuddy loaded, for NULL).
 */
unsigned long kbuddy_debugfs_refused(struct kbuddy_pool *pool)
{
	struct kbuddy_dbg_pool *dp = pool ? pool->debugfs : NULL;

	if (!pool)
		return atomic_long_read(&kbuddy_debugfs_refused_global);
	return dp ? atomic_long_read(&dp->refused) : 0;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_debugfs_refused, KBUDDY_INTERNAL);

/**
 * kbuddy_debugfs_held() - blocks and objects held through a pool's blocks file
 * @pool: the pool
 *
 * Context: Process context; may sleep.
 * Return: how many, 0 if the pool has no debugfs files.
 */
unsigned long kbuddy_debugfs_held(struct kbuddy_pool *pool)
{
	struct kbuddy_dbg_pool *dp = pool->debugfs;
	unsigned long n;

	if (!dp)
		return 0;
	mutex_lock(&dp->lock);
	n = dp->nr_blocks;
	mutex_unlock(&dp->lock);
	return n;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_debugfs_held, KBUDDY_INTERNAL);

/**
 * kbuddy_debugfs_blocks_write() - a write to a pool's blocks file
 * @pool: the pool
 * @buf: the bytes written (need not end in a NUL; NULL: as if the writer's
 *	buffer could not be read)
 * @count: how many
 *
 * What blocks_write() does after copying the writer's bytes, for tests
 * that drive the parser with inputs a shell cannot write.
 *
 * Context: Process context; may sleep.
 * Return: @count if the command was carried out; else a negative errno
 * (-EINVAL malformed or out of range, -ENOSPC too many held, -ENOMEM out
 * of memory, -EFAULT unreadable, -ENODEV no debugfs files), the pool and
 * the file unchanged.
 */
ssize_t kbuddy_debugfs_blocks_write(struct kbuddy_pool *pool, const char *buf,
				    size_t count)
{
	if (!pool->debugfs)
		return -ENODEV;
	return blocks_command(pool->debugfs, buf, count);
}
EXPORT_SYMBOL_NS_GPL(kbuddy_debugfs_blocks_write, KBUDDY_INTERNAL);

/**
 * kbuddy_debugfs_fault_write() - a write to a fault/ knob at offset 0
 * @f: the pool's fault state, or &kbuddy_fault_global
 * @knob: the file
 * @buf: the bytes written (need not end in a NUL; NULL: as if the writer's
 *	buffer could not be read)
 * @count: how many
 *
 * What the knob's write does after copying the writer's bytes. Covers
 * probability, interval and times on every kernel, though on a kernel with
 * fault_attr files those are the kernel's own.
 *
 * Context: Process context; may sleep.
 * Return: @count if the knob was set; else -EINVAL (or -EFAULT for a NULL
 * @buf), the knob unchanged.
 */
ssize_t kbuddy_debugfs_fault_write(struct kbuddy_fault *f,
				   enum kbuddy_fault_knob knob,
				   const char *buf, size_t count)
{
	if (knob >= KBUDDY_NR_FAULT_KNOBS)
		return -EINVAL;
	return fault_command(f, knob, buf, count, 0);
}
EXPORT_SYMBOL_NS_GPL(kbuddy_debugfs_fault_write, KBUDDY_INTERNAL);

/**
 * kbuddy_debugfs_map_text() - what reading a pool's map file gives
 * @pool: the pool
 * @buf: where to write the text; NUL-terminated
 * @size: room at @buf
 *
 * The same steps, lines and headers as a read of the map file, for tests
 * that compare the map with the pool's other views.
 *
 * Context: Process context; may sleep.
 * Return: the length of the text, -ENOSPC if it did not fit in @size, or
 * -ENOMEM.
 */
ssize_t kbuddy_debugfs_map_text(struct kbuddy_pool *pool, char *buf,
				size_t size)
{
	struct map_iter *it = kvzalloc(sizeof(*it), GFP_KERNEL);
	char line[160];
	size_t len = 0;
	ssize_t ret;
	unsigned int i;
	int n;

	if (!it)
		return -ENOMEM;
	it->pool = pool;
	it->pos = -1;
	for (ret = 0; !ret && map_seek(it, it->pos + 1); cond_resched()) {
		n = map_header(line, sizeof(line), it);
		for (i = 0; ; i++) {
			if (len + n >= size) {
				ret = -ENOSPC;
				break;
			}
			memcpy(buf + len, line, n);
			len += n;
			if (i == it->nr)
				break;
			n = map_line(line, sizeof(line), &it->rec[i]);
		}
	}
	kvfree(it);
	if (ret)
		return ret;
	buf[len] = '\0';
	return len;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_debugfs_map_text, KBUDDY_INTERNAL);
