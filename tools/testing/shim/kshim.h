/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel, as far as kernel/buddy.c, kernel/pcp.c and kernel/slab.c need
 * it, for a single-threaded userspace build (in the manner of the kernel's
 * tools/testing/memblock). One CPU, no interrupts, no preemption: locks,
 * IPIs and RCU reduce to nothing, which is honest for one thread and makes
 * instruction counts a lower bound of the kernel's (no lock prefix, no irq
 * save/restore).
 */
#ifndef _KSHIM_H
#define _KSHIM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <errno.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef uint64_t phys_addr_t;
typedef unsigned int gfp_t;
typedef long long loff_t_unused;

#define __percpu
#define __user
#define __init
#define __exit
#undef __always_inline
#define __always_inline inline __attribute__((always_inline))
#define __maybe_unused __attribute__((unused))
#define noinline __attribute__((__noinline__))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define barrier() __asm__ __volatile__("" ::: "memory")
#define READ_ONCE(x) (*(volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile typeof(x) *)&(x) = (v))
#define smp_load_acquire(p) __atomic_load_n(p, __ATOMIC_ACQUIRE)
#define smp_store_release(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)
#define cmpxchg(p, o, n) __sync_val_compare_and_swap(p, o, n)
#define _RET_IP_ ((unsigned long)__builtin_return_address(0))
#define static_assert(e) _Static_assert(e, #e)
#define EXPORT_SYMBOL_GPL(s)
#define EXPORT_SYMBOL_NS_GPL(s, ns)
#define might_sleep_if(c) do { } while (0)
#define WARN_ON_ONCE(c) (!!(c))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(p, t, m) ((t *)((char *)(p) - offsetof(t, m)))
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define ALIGN(x, a) (((x) + (a) - 1) & ~((typeof(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((typeof(x))(a) - 1)) == 0)
#define BIT(n) (1UL << (n))
#define BITS_PER_LONG 64
#define BITS_TO_LONGS(n) (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define struct_size(p, m, n) (sizeof(*(p)) + sizeof((p)->m[0]) * (n))
#define swab(x) __builtin_bswap64(x)
#define swap(a, b) do { typeof(a) __t = (a); (a) = (b); (b) = __t; } while (0)

/* Errors and pointers. */
#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long e) { return (void *)e; }
static inline long PTR_ERR(const void *p) { return (long)p; }
static inline bool IS_ERR(const void *p) { return IS_ERR_VALUE(p); }
static inline bool IS_ERR_OR_NULL(const void *p) { return !p || IS_ERR(p); }
#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

/* Bits. */
static inline int fls(unsigned int x) { return x ? 32 - __builtin_clz(x) : 0; }
static inline unsigned long __ffs(unsigned long x) { return __builtin_ctzl(x); }
#define ilog2(n) (63 - __builtin_clzll((unsigned long long)(n)))
#define is_power_of_2(n) ((n) != 0 && (((n) & ((n) - 1)) == 0))
static inline void __change_bit(unsigned long nr, unsigned long *a)
{
	a[nr / BITS_PER_LONG] ^= 1UL << (nr % BITS_PER_LONG);
}
static inline bool __test_and_change_bit(unsigned long nr, unsigned long *a)
{
	unsigned long m = 1UL << (nr % BITS_PER_LONG), old = a[nr / BITS_PER_LONG];

	a[nr / BITS_PER_LONG] = old ^ m;
	return old & m;
}
static inline bool test_bit(unsigned long nr, const unsigned long *a)
{
	return a[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG) & 1;
}
static inline bool test_and_set_bit(unsigned long nr, unsigned long *a)
{
	bool old = test_bit(nr, a);

	a[nr / BITS_PER_LONG] |= 1UL << (nr % BITS_PER_LONG);
	return old;
}
static inline void bitmap_zero(unsigned long *a, unsigned long n)
{
	memset(a, 0, BITS_TO_LONGS(n) * sizeof(long));
}
static inline unsigned long *bitmap_zalloc(unsigned long n, gfp_t g)
{
	return calloc(BITS_TO_LONGS(n), sizeof(long));
}
static inline void bitmap_free(unsigned long *a) { free(a); }

/* Reciprocal division (lib/math/reciprocal_div.c). */
struct reciprocal_value {
	u32 m;
	u8 sh1, sh2;
};
static inline struct reciprocal_value reciprocal_value(u32 d)
{
	struct reciprocal_value R;
	int l = fls(d - 1);
	u64 m = ((1ULL << 32) * ((1ULL << l) - d)) / d + 1;

	R.m = (u32)m;
	R.sh1 = min(l, 1);
	R.sh2 = max(l - 1, 0);
	return R;
}
static inline u32 reciprocal_divide(u32 a, struct reciprocal_value R)
{
	u32 t = (u32)(((u64)a * R.m) >> 32);

	return (t + ((a - t) >> R.sh1)) >> R.sh2;
}

/* Lists (include/linux/list.h). */
struct list_head {
	struct list_head *next, *prev;
};
#define LIST_HEAD(n) struct list_head n = { &(n), &(n) }
static inline void INIT_LIST_HEAD(struct list_head *l) { l->next = l->prev = l; }
static inline void __list_add(struct list_head *n, struct list_head *p, struct list_head *x)
{
	x->prev = n;
	n->next = x;
	n->prev = p;
	p->next = n;
}
static inline void list_add(struct list_head *n, struct list_head *h) { __list_add(n, h, h->next); }
static inline void list_add_tail(struct list_head *n, struct list_head *h) { __list_add(n, h->prev, h); }
static inline void list_del(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	e->next = e->prev = NULL;
}
static inline void list_move(struct list_head *e, struct list_head *h)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	list_add(e, h);
}
static inline bool list_empty(const struct list_head *h) { return h->next == h; }
static inline void list_splice_init(struct list_head *l, struct list_head *h)
{
	if (!list_empty(l)) {
		l->next->prev = h;
		l->prev->next = h->next;
		h->next->prev = l->prev;
		h->next = l->next;
		INIT_LIST_HEAD(l);
	}
}
#define list_entry(p, t, m) container_of(p, t, m)
#define list_first_entry(h, t, m) list_entry((h)->next, t, m)
#define list_next_entry(p, m) list_entry((p)->m.next, typeof(*(p)), m)
#define list_for_each_entry(p, h, m) \
	for (p = list_first_entry(h, typeof(*p), m); &p->m != (h); p = list_next_entry(p, m))
#define list_for_each_entry_safe(p, n, h, m) \
	for (p = list_first_entry(h, typeof(*p), m), n = list_next_entry(p, m); \
	     &p->m != (h); p = n, n = list_next_entry(n, m))

/* One thread, one CPU: locks, interrupts, IPIs and RCU are no-ops. */
typedef struct { int unused; } spinlock_t;
struct mutex { int unused; };
#define DEFINE_MUTEX(m) struct mutex m
#define spin_lock_init(l) do { } while (0)
#define spin_lock(l) do { } while (0)
#define spin_unlock(l) do { } while (0)
#define spin_lock_irqsave(l, f) do { (f) = 0; } while (0)
#define spin_unlock_irqrestore(l, f) do { (void)(f); } while (0)
#define local_irq_save(f) do { (f) = 0; } while (0)
#define local_irq_restore(f) do { (void)(f); } while (0)
#define mutex_init(m) do { } while (0)
#define mutex_destroy(m) do { } while (0)
#define mutex_lock(m) do { } while (0)
#define mutex_unlock(m) do { } while (0)
#define cpus_read_lock() do { } while (0)
#define cpus_read_unlock() do { } while (0)
#define rcu_read_lock() do { } while (0)
#define rcu_read_unlock() do { } while (0)
struct rcu_head { void *next; void (*func)(struct rcu_head *); };
#define kfree_rcu(p, f) free(p)
#define for_each_possible_cpu(c) for ((c) = 0; (c) < 1; (c)++)
#define cpu_online(c) ((c) == 0)
#define num_possible_cpus() 1
#define on_each_cpu(f, i, w) (f)(i)
#define alloc_percpu(t) ((t *)calloc(1, sizeof(t)))
#define free_percpu(p) free(p)
#define per_cpu_ptr(p, c) (p)
#define this_cpu_ptr(p) (p)
typedef struct { long counter; } atomic_long_t;
#define atomic_long_inc(a) ((a)->counter++)
#define atomic_long_read(a) ((a)->counter)

/* Memory. */
#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGNED(a) IS_ALIGNED((unsigned long)(a), PAGE_SIZE)
#define PFN_PHYS(x) ((phys_addr_t)(x) << PAGE_SHIFT)
#define PHYS_PFN(x) ((unsigned long)((x) >> PAGE_SHIFT))
static inline int get_order(unsigned long size)
{
	return size <= PAGE_SIZE ? 0 : ilog2((size - 1) >> PAGE_SHIFT) + 1;
}
#define cache_line_size() 64
#define __GFP_HIGH 0x20u
#define __GFP_IO 0x40u
#define __GFP_FS 0x80u
#define __GFP_ZERO 0x100u
#define __GFP_DIRECT_RECLAIM 0x400u
#define __GFP_KSWAPD_RECLAIM 0x800u
#define __GFP_NOWARN 0x2000u
#define GFP_KERNEL (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_ATOMIC (__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_NOWAIT (__GFP_KSWAPD_RECLAIM)
#define gfpflags_allow_blocking(g) (!!((g) & __GFP_DIRECT_RECLAIM))
#define want_init_on_alloc(g) false
#define kmalloc(s, g) ((void)(g), malloc(s))
#define kzalloc(s, g) ((void)(g), calloc(1, s))
#define kcalloc(n, s, g) calloc(n, s)
#define kvcalloc(n, s, g) calloc(n, s)
#define kfree(p) free(p)
#define kvfree(p) free(p)
static inline long get_random_long(void) { return 0x5bd1e995L; }
static inline size_t strscpy(char *d, const char *s, size_t n)
{
	snprintf(d, n, "%s", s);
	return strlen(d);
}

/* Messages: counted, printed only with KSHIM_VERBOSE. */
extern unsigned long kshim_messages;
#define kshim_msg(fmt, ...) do { kshim_messages++; if (getenv("KSHIM_VERBOSE")) \
	fprintf(stderr, fmt, ##__VA_ARGS__); } while (0)
#define pr_err(fmt, ...) kshim_msg(fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...) kshim_msg(fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) kshim_msg(fmt, ##__VA_ARGS__)
#define pr_cont(fmt, ...) kshim_msg(fmt, ##__VA_ARGS__)
#define pr_err_ratelimited(fmt, ...) kshim_msg(fmt, ##__VA_ARGS__)
#define pr_warn_ratelimited(fmt, ...) kshim_msg(fmt, ##__VA_ARGS__)
#define vscnprintf(b, n, f, a) vsnprintf(b, n, f, a)

#endif /* _KSHIM_H */
