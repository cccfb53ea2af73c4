/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel, as far as kernel/buddy.c, pcp.c, slab.c and kmalloc.c need it,
 * for a userspace build (in the manner of the kernel's
 * tools/testing/memblock). Two models, chosen at compile time:
 *
 * KSHIM_THREADS=0 (the default; pairs and callgrind): one CPU, no
 * interrupts, no preemption. Locks, IPIs and RCU reduce to nothing, which is
 * honest for one thread and makes instruction counts a lower bound of the
 * kernel's (no lock prefix, no irq save/restore).
 *
 * KSHIM_THREADS=1 (race tests, fuzzer): threads are CPUs. Each thread has a
 * current CPU id (kshim_set_cpu()); per-CPU data has NR_CPUS copies; spinlocks
 * and mutexes are pthread locks; "interrupts off" is a per-CPU lock of the
 * current CPU, which excludes other code on the same CPU and IPIs
 * (on_each_cpu() takes it for each CPU it runs on); RCU read-side sections
 * (rcu_read_lock(), interrupts off, preemption off, spinlocks held) are
 * counted, and synchronize_rcu() waits until there are none. See kshim.c.
 */
#ifndef _KSHIM_H
#define _KSHIM_H

#ifndef KSHIM_THREADS
#define KSHIM_THREADS 0
#endif

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <limits.h>
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
#define __iomem
#define __force
#define __acquires(x)
#define __releases(x)
#define __must_hold(x)
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
#define _RET_IP_ ((unsigned long)__builtin_return_address(0))
#define static_assert(e) _Static_assert(e, #e)
#define EXPORT_SYMBOL_GPL(s)
#define EXPORT_SYMBOL_NS_GPL(s, ns)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(p, t, m) ((t *)((char *)(p) - offsetof(t, m)))
#define min(a, b) ((a) < (b) ? (a) : (b))
#define min3(a, b, c) min(min(a, b), c)
#define max(a, b) ((a) > (b) ? (a) : (b))
#define clamp(v, lo, hi) min(max(v, lo), hi)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define ALIGN(x, a) (((x) + (a) - 1) & ~((typeof(x))(a) - 1))
#define DIV_ROUND_UP_ULL(ll, d) (((unsigned long long)(ll) + (d) - 1) / (d))
#define IS_ALIGNED(x, a) (((x) & ((typeof(x))(a) - 1)) == 0)
#define BIT(n) (1UL << (n))
#define BITS_PER_LONG 64
#define BITS_TO_LONGS(n) (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define struct_size(p, m, n) (sizeof(*(p)) + sizeof((p)->m[0]) * (n))
#define swab(x) __builtin_bswap64(x)
#define swap(a, b) do { typeof(a) __t = (a); (a) = (b); (b) = __t; } while (0)
#define check_mul_overflow(a, b, d) __builtin_mul_overflow(a, b, d)
#define check_add_overflow(a, b, d) __builtin_add_overflow(a, b, d)
#define size_mul(a, b) ({ size_t __r; check_mul_overflow((size_t)(a), (size_t)(b), &__r) ? SIZE_MAX : __r; })

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
static inline unsigned long __fls(unsigned long x) { return 63 - __builtin_clzl(x); }
#define hweight_long(x) __builtin_popcountl(x)
#define ilog2(n) (63 - __builtin_clzll((unsigned long long)(n)))
#define order_base_2(n) ((n) > 1 ? ilog2((n) - 1) + 1 : 0)
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
#define list_first_entry_or_null(h, t, m) (list_empty(h) ? NULL : list_first_entry(h, t, m))
#define list_next_entry(p, m) list_entry((p)->m.next, typeof(*(p)), m)
#define list_for_each_entry(p, h, m) \
	for (p = list_first_entry(h, typeof(*p), m); &p->m != (h); p = list_next_entry(p, m))
#define list_for_each_entry_safe(p, n, h, m) \
	for (p = list_first_entry(h, typeof(*p), m), n = list_next_entry(p, m); \
	     &p->m != (h); p = n, n = list_next_entry(n, m))

/* Atomics: real ones in both models (a lock prefix is one instruction). */
#define cmpxchg(p, o, n) ({						\
	typeof(*(p)) __o = (o);						\
	__atomic_compare_exchange_n((p), &__o, (n), false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);\
	__o; })
#define cmpxchg_relaxed(p, o, n) cmpxchg(p, o, n)
#define cmpxchg_acquire(p, o, n) cmpxchg(p, o, n)
#define cmpxchg_release(p, o, n) cmpxchg(p, o, n)
#define try_cmpxchg(p, po, n)						\
	__atomic_compare_exchange_n((p), (po), (n), false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)
#define try_cmpxchg_relaxed(p, po, n) try_cmpxchg(p, po, n)
#define try_cmpxchg_acquire(p, po, n) try_cmpxchg(p, po, n)
#define try_cmpxchg_release(p, po, n) try_cmpxchg(p, po, n)
#define xchg(p, v) __atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)
#define smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_mb__before_atomic() smp_mb()
#define smp_mb__after_atomic() smp_mb()

typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;
typedef struct { long long counter; } atomic64_t;
#define ATOMIC_INIT(i) { (i) }
#define ATOMIC_LONG_INIT(i) { (i) }
#define ATOMIC64_INIT(i) { (i) }
#define __kshim_atomic_ops(pfx, t)					\
static inline t pfx##_read(const pfx##_t *a)				\
{ return __atomic_load_n(&a->counter, __ATOMIC_RELAXED); }		\
static inline void pfx##_set(pfx##_t *a, t i)				\
{ __atomic_store_n(&a->counter, i, __ATOMIC_RELAXED); }		\
static inline void pfx##_add(t i, pfx##_t *a)				\
{ __atomic_fetch_add(&a->counter, i, __ATOMIC_RELAXED); }		\
static inline void pfx##_sub(t i, pfx##_t *a)				\
{ __atomic_fetch_sub(&a->counter, i, __ATOMIC_RELAXED); }		\
static inline void pfx##_inc(pfx##_t *a) { pfx##_add(1, a); }		\
static inline void pfx##_dec(pfx##_t *a) { pfx##_sub(1, a); }		\
static inline t pfx##_add_return(t i, pfx##_t *a)			\
{ return __atomic_add_fetch(&a->counter, i, __ATOMIC_SEQ_CST); }	\
static inline t pfx##_sub_return(t i, pfx##_t *a)			\
{ return __atomic_sub_fetch(&a->counter, i, __ATOMIC_SEQ_CST); }	\
static inline t pfx##_fetch_add(t i, pfx##_t *a)			\
{ return __atomic_fetch_add(&a->counter, i, __ATOMIC_SEQ_CST); }	\
static inline t pfx##_fetch_sub(t i, pfx##_t *a)			\
{ return __atomic_fetch_sub(&a->counter, i, __ATOMIC_SEQ_CST); }	\
static inline t pfx##_inc_return(pfx##_t *a) { return pfx##_add_return(1, a); } \
static inline t pfx##_dec_return(pfx##_t *a) { return pfx##_sub_return(1, a); } \
static inline bool pfx##_dec_and_test(pfx##_t *a) { return !pfx##_dec_return(a); } \
static inline bool pfx##_inc_not_zero(pfx##_t *a)			\
{									\
	t c = pfx##_read(a);						\
	do {								\
		if (!c)							\
			return false;					\
	} while (!try_cmpxchg(&a->counter, &c, c + 1));			\
	return true;							\
}									\
static inline t pfx##_cmpxchg(pfx##_t *a, t o, t n)			\
{ return cmpxchg(&a->counter, o, n); }					\
static inline bool pfx##_try_cmpxchg(pfx##_t *a, t *o, t n)		\
{ return try_cmpxchg(&a->counter, o, n); }				\
static inline t pfx##_xchg(pfx##_t *a, t n) { return xchg(&a->counter, n); }
__kshim_atomic_ops(atomic, int)
__kshim_atomic_ops(atomic_long, long)
__kshim_atomic_ops(atomic64, long long)

#ifdef __LP64__
#define CONFIG_64BIT 1
#endif

/* Kconfig: IS_ENABLED(CONFIG_X) is 1 iff CONFIG_X is defined to 1. */
#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(__ignored, val, ...) val
#define __is_defined(x) ___is_defined(x)
#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)
#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0)
#define IS_ENABLED(option) __is_defined(option)
#define IS_BUILTIN(option) __is_defined(option)

/* Contexts: the shim runs everything in process context. */
#define in_nmi() false
#define in_hardirq() false
#define in_softirq() false
#define in_serving_softirq() false
#define in_interrupt() false
#if KSHIM_THREADS
/* A thread that plays an interrupt sets kshim_in_irq (race tests). */
extern __thread int kshim_in_irq;
#define in_task() (!kshim_in_irq)
#else
#define in_task() true
#endif

/* The race hooks of kernel/ (internal.h): see kshim_race_hook(). */
typedef void (*kshim_race_hook_fn)(const char *name, void *arg);

#if KSHIM_THREADS
/* ==== Threads as CPUs ==================================================== */
#include <pthread.h>

#ifndef NR_CPUS
#define NR_CPUS 4
#endif
#define nr_cpu_ids NR_CPUS

/**
 * struct kshim_thread - what the shim knows of a thread (a task on a CPU)
 * @cpu: its current CPU, smp_processor_id()
 * @irq_cpu: the CPU whose interrupts it has turned off (whose irq lock it
 *	holds), or -1
 * @irq_depth: nesting of local_irq_save() while @irq_cpu is held
 * @preempt: preempt_disable() depth; spinlocks and local locks count
 * @rcu: rcu_read_lock() depth
 * @blocked: non-zero while it waits in the shim (for a lock, an irq lock, a
 *	grace period); read by other threads (kshim_thread_blocked())
 * @bound: running a kbuddy_run_on_cpus() function, as a worker bound to @cpu
 * @task_cpu: the CPU whose task lock it holds for read while its preemption
 *	is off in task context (a work item on that CPU cannot run then), plus
 *	one; 0 if none
 *
 * Interrupts off, preemption off and rcu_read_lock() each make the thread an
 * RCU reader, as in the kernel since RCU flavours were consolidated.
 */
struct kshim_thread {
	int cpu;
	int irq_cpu;
	int irq_depth;
	int preempt;
	int rcu;
	int blocked;
	int bound;
	int task_cpu;
};
extern __thread struct kshim_thread kshim_self;

struct kshim_thread *kshim_thread_self(void);
bool kshim_thread_blocked(const struct kshim_thread *t);
void kshim_set_cpu(int cpu);
void kshim_set_cpu_online(int cpu, bool online);
extern bool kshim_cpu_online[NR_CPUS];

/* Report a bug the kernel would splat about (sleeping in atomic, ...). */
extern unsigned long kshim_bugs;
void kshim_bug(const char *file, int line, const char *what);
#define WARN_ON(c) ({ bool __c = !!(c);				\
	if (unlikely(__c))						\
		kshim_bug(__FILE__, __LINE__, "WARN_ON(" #c ")");	\
	__c; })
#define WARN_ON_ONCE(c) WARN_ON(c)
#define WARN_ONCE(c, fmt, ...) WARN_ON(c)
#define BUG_ON(c) do { if (unlikely(c)) {				\
	kshim_bug(__FILE__, __LINE__, "BUG_ON(" #c ")"); abort(); } } while (0)

/* Events: a thread that blocks in the shim, or a test, wakes waiters. */
void kshim_event_signal(void);
void kshim_event_wait(bool (*pred)(void *arg), void *arg);

/* CPUs. */
#define smp_processor_id() kshim_smp_processor_id(__FILE__, __LINE__)
#define raw_smp_processor_id() (kshim_self.cpu)
int kshim_smp_processor_id(const char *file, int line);
#define get_cpu() ({ preempt_disable(); smp_processor_id(); })
#define put_cpu() preempt_enable()
#define cpu_online(c) (kshim_cpu_online[c])
#define cpu_possible(c) ((unsigned int)(c) < NR_CPUS)
#define for_each_possible_cpu(c) for ((c) = 0; (c) < NR_CPUS; (c)++)
#define for_each_online_cpu(c)						\
	for ((c) = 0; (c) < NR_CPUS; (c)++) if (!cpu_online(c)) ; else
#define for_each_present_cpu(c) for_each_possible_cpu(c)
#define num_possible_cpus() NR_CPUS
#define num_present_cpus() NR_CPUS
unsigned int num_online_cpus(void);

/* Interrupts: the current CPU's irq lock. Flags: 1 if they were off. */
void kshim_irq_save(unsigned long *flags);
void kshim_irq_restore(unsigned long flags);
#define local_irq_save(f) kshim_irq_save(&(f))
#define local_irq_restore(f) kshim_irq_restore(f)
#define local_irq_disable() do { unsigned long __f; kshim_irq_save(&__f); } while (0)
#define local_irq_enable() kshim_irq_restore(0)
#define irqs_disabled() (kshim_self.irq_cpu >= 0)
#define lockdep_assert_irqs_disabled() WARN_ON(!irqs_disabled())
#define lockdep_assert_irqs_enabled() WARN_ON(irqs_disabled())

/* Preemption. */
void kshim_preempt_disable(void);
void kshim_preempt_enable(void);
#define preempt_disable() kshim_preempt_disable()
#define preempt_enable() kshim_preempt_enable()
#define preempt_disable_notrace() kshim_preempt_disable()
#define preempt_enable_notrace() kshim_preempt_enable()
#define migrate_disable() kshim_preempt_disable()
#define migrate_enable() kshim_preempt_enable()
#define preemptible() (!irqs_disabled() && !kshim_self.preempt)
#define in_atomic() (irqs_disabled() || kshim_self.preempt)
#define lockdep_assert_preemption_disabled() WARN_ON(!in_atomic())
void kshim_might_sleep(const char *file, int line);
#define might_sleep() kshim_might_sleep(__FILE__, __LINE__)
#define might_sleep_if(c) do { if (c) might_sleep(); } while (0)
#define cond_resched() might_sleep()
#define cpu_relax() __builtin_ia32_pause()

/*
 * Locks. A zeroed lock is a valid unlocked one (glibc's initializers are
 * zero), as alloc_percpu() and kzalloc() give.
 */
typedef struct {
	pthread_mutex_t m;
	struct kshim_thread *owner;
} spinlock_t;
typedef spinlock_t raw_spinlock_t;
struct mutex {
	pthread_mutex_t m;
	struct kshim_thread *owner;
};
#define __SPIN_LOCK_UNLOCKED(n) { PTHREAD_MUTEX_INITIALIZER, NULL }
#define DEFINE_SPINLOCK(n) spinlock_t n = __SPIN_LOCK_UNLOCKED(n)
#define DEFINE_MUTEX(n) struct mutex n = { PTHREAD_MUTEX_INITIALIZER, NULL }
void kshim_lock_init(pthread_mutex_t *m);
void kshim_spin_lock(spinlock_t *l);
bool kshim_spin_trylock(spinlock_t *l);
void kshim_spin_unlock(spinlock_t *l);
void kshim_mutex_lock(struct mutex *l, const char *file, int line);
bool kshim_mutex_trylock(struct mutex *l);
void kshim_mutex_unlock(struct mutex *l);
#define spin_lock_init(l) do { kshim_lock_init(&(l)->m); (l)->owner = NULL; } while (0)
#define raw_spin_lock_init(l) spin_lock_init(l)
#define spin_lock(l) kshim_spin_lock(l)
#define spin_trylock(l) kshim_spin_trylock(l)
#define spin_unlock(l) kshim_spin_unlock(l)
#define spin_lock_irq(l) do { local_irq_disable(); spin_lock(l); } while (0)
#define spin_unlock_irq(l) do { spin_unlock(l); local_irq_enable(); } while (0)
#define spin_lock_irqsave(l, f) do { local_irq_save(f); spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, f) do { spin_unlock(l); local_irq_restore(f); } while (0)
#define spin_trylock_irqsave(l, f) ({ local_irq_save(f);		\
	spin_trylock(l) ? true : (local_irq_restore(f), false); })
#define raw_spin_lock_irqsave(l, f) spin_lock_irqsave(l, f)
#define raw_spin_unlock_irqrestore(l, f) spin_unlock_irqrestore(l, f)
#define spin_is_locked(l) (READ_ONCE((l)->owner) != NULL)
#define mutex_init(l) do { kshim_lock_init(&(l)->m); (l)->owner = NULL; } while (0)
#define mutex_destroy(l) do { } while (0)
#define mutex_lock(l) kshim_mutex_lock(l, __FILE__, __LINE__)
#define mutex_trylock(l) kshim_mutex_trylock(l)
#define mutex_unlock(l) kshim_mutex_unlock(l)
#define mutex_is_locked(l) (READ_ONCE((l)->owner) != NULL)
/* Works for a spinlock_t, a struct mutex and a local_lock_t. */
#define lockdep_assert_held(l) WARN_ON(READ_ONCE((l)->owner) != &kshim_self)
#define lockdep_assert_not_held(l) WARN_ON(READ_ONCE((l)->owner) == &kshim_self)

/* CPU hotplug lock: a global rwlock (nothing takes it for writing). */
void cpus_read_lock(void);
void cpus_read_unlock(void);
void cpus_write_lock(void);
void cpus_write_unlock(void);
#define lockdep_assert_cpus_held() do { } while (0)

/*
 * Per-CPU memory. A __percpu pointer is an address in unit 0 of the per-CPU
 * area, which is PROT_NONE: dereferencing one without per_cpu_ptr() faults.
 * CPU n's copy is unit n + 1, so &p->member is a __percpu pointer too, as in
 * the kernel, and this_cpu_ptr(&p->member) works.
 */
#define KSHIM_PCPU_UNIT (1UL << 20)
void *kshim_alloc_percpu(size_t size, size_t align);
void kshim_free_percpu(void *p);
void *kshim_per_cpu_ptr(const void *p, int cpu);
#define alloc_percpu(t) ((t *)kshim_alloc_percpu(sizeof(t), __alignof__(t)))
#define alloc_percpu_gfp(t, g) alloc_percpu(t)
#define __alloc_percpu(s, a) kshim_alloc_percpu(s, a)
#define __alloc_percpu_gfp(s, a, g) kshim_alloc_percpu(s, a)
#define free_percpu(p) kshim_free_percpu(p)
#define per_cpu_ptr(p, c) ((typeof(p))kshim_per_cpu_ptr(p, c))
#define raw_cpu_ptr(p) per_cpu_ptr(p, raw_smp_processor_id())
#define this_cpu_ptr(p) per_cpu_ptr(p, smp_processor_id())
/* this_cpu_*() of an lvalue in per-CPU space: irq-safe, as on x86. */
#define __kshim_pcpu_lv(v) (*(typeof(&(v)))kshim_per_cpu_ptr(&(v), raw_smp_processor_id()))
#define this_cpu_read(v) __atomic_load_n(&__kshim_pcpu_lv(v), __ATOMIC_RELAXED)
#define this_cpu_write(v, x) __atomic_store_n(&__kshim_pcpu_lv(v), (x), __ATOMIC_RELAXED)
#define this_cpu_add(v, x) ((void)__atomic_fetch_add(&__kshim_pcpu_lv(v), (x), __ATOMIC_RELAXED))
#define this_cpu_sub(v, x) this_cpu_add(v, -(x))
#define this_cpu_inc(v) this_cpu_add(v, 1)
/* One atomic compare-and-exchange, as x86's cmpxchg on %gs: irq-safe. */
#define this_cpu_cmpxchg(v, o, n) ({					\
	typeof(v) __kshim_o = (o);					\
	__atomic_compare_exchange_n(&__kshim_pcpu_lv(v), &__kshim_o, (n), false, \
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);	\
	__kshim_o; })
#define this_cpu_dec(v) this_cpu_sub(v, 1)
#define __this_cpu_read(v) this_cpu_read(v)
#define __this_cpu_write(v, x) this_cpu_write(v, x)
#define __this_cpu_add(v, x) this_cpu_add(v, x)
#define __this_cpu_inc(v) this_cpu_inc(v)
#define __this_cpu_dec(v) this_cpu_dec(v)
#define raw_cpu_read(v) this_cpu_read(v)
#define raw_cpu_inc(v) this_cpu_inc(v)

/*
 * Local locks (include/linux/local_lock.h): the argument is a __percpu
 * pointer, resolved to the current CPU's lock. local_lock() excludes other
 * threads on the same CPU (preemption off); local_lock_irqsave() also turns
 * the CPU's interrupts off, so IPIs to it wait.
 */
typedef struct {
	pthread_mutex_t m;
	struct kshim_thread *owner;
} local_lock_t;
#define INIT_LOCAL_LOCK(n) { PTHREAD_MUTEX_INITIALIZER, NULL }
void kshim_local_lock(local_lock_t *percpu_lock, unsigned long *flags, bool irq);
void kshim_local_unlock(local_lock_t *percpu_lock, unsigned long flags, bool irq);
#define local_lock_init(l) do { kshim_lock_init(&(l)->m); (l)->owner = NULL; } while (0)
#define local_lock(l) kshim_local_lock(l, NULL, false)
#define local_unlock(l) kshim_local_unlock(l, 0, false)
#define local_lock_irq(l) do { unsigned long __f; kshim_local_lock(l, &__f, true); } while (0)
#define local_unlock_irq(l) kshim_local_unlock(l, 0, true)
#define local_lock_irqsave(l, f) kshim_local_lock(l, &(f), true)
#define local_unlock_irqrestore(l, f) kshim_local_unlock(l, f, true)
#define local_trylock(l) ({ local_lock(l); true; })
#define lockdep_assert_held_this_cpu(l) lockdep_assert_held(this_cpu_ptr(l))

/* IPIs and per-CPU work. */
typedef void (*smp_call_func_t)(void *info);
void on_each_cpu(smp_call_func_t fn, void *arg, int wait);
int smp_call_function_single(int cpu, smp_call_func_t fn, void *arg, int wait);
void kbuddy_run_on_cpus(void (*fn)(void *arg), void *arg);

/* RCU: readers counted; callbacks run only after a grace period. */
struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};
typedef void (*rcu_callback_t)(struct rcu_head *head);
void rcu_read_lock(void);
void rcu_read_unlock(void);
#define rcu_read_lock_bh() rcu_read_lock()
#define rcu_read_unlock_bh() rcu_read_unlock()
#define rcu_read_lock_sched() preempt_disable()
#define rcu_read_unlock_sched() preempt_enable()
bool rcu_read_lock_held(void);
void call_rcu(struct rcu_head *head, rcu_callback_t func);
void kshim_kfree_rcu(struct rcu_head *head, size_t offset);
#define kfree_rcu(p, f) kshim_kfree_rcu(&(p)->f, offsetof(typeof(*(p)), f))
#define kvfree_rcu(p, f) kfree_rcu(p, f)
void synchronize_rcu(void);
void rcu_barrier(void);
/* Run the callbacks queued so far if no thread is a reader; 1 if it did. */
int kshim_rcu_quiescent(void);
#define rcu_dereference(p) __atomic_load_n(&(p), __ATOMIC_CONSUME)
#define rcu_dereference_check(p, c) rcu_dereference(p)
#define rcu_dereference_protected(p, c) (p)
#define rcu_dereference_raw(p) rcu_dereference(p)
#define rcu_access_pointer(p) READ_ONCE(p)
#define rcu_assign_pointer(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define RCU_INIT_POINTER(p, v) WRITE_ONCE(p, v)

/* Race hooks: kbuddy_race_hook("name") calls the test's callback. */
void kshim_race_hook(const char *name);
void kshim_set_race_hook(kshim_race_hook_fn fn, void *arg);
#define kbuddy_race_hook(name) kshim_race_hook(name)

/* Messages are counted from every thread. */
#define kshim_count_message() __atomic_fetch_add(&kshim_messages, 1, __ATOMIC_RELAXED)

#else /* !KSHIM_THREADS */
/* ==== One thread, one CPU: locks, interrupts, IPIs and RCU are no-ops ==== */
#define NR_CPUS 1
#define nr_cpu_ids 1
#define WARN_ON(c) ({ bool __w = !!(c); if (__w) fprintf(stderr, "kshim: BUG: WARN_ON(%s) at %s:%d\n", #c, __FILE__, __LINE__); __w; })
#define WARN_ON_ONCE(c) WARN_ON(c)
#define WARN_ONCE(c, fmt, ...) WARN_ON(c)
#define BUG_ON(c) do { if (c) abort(); } while (0)
#define smp_processor_id() 0
#define raw_smp_processor_id() 0
#define get_cpu() 0
#define put_cpu() do { } while (0)
static inline void kshim_set_cpu(int cpu) { }
typedef struct { int unused; } spinlock_t;
typedef spinlock_t raw_spinlock_t;
struct mutex { int unused; };
typedef struct { int unused; } local_lock_t;
#define DEFINE_SPINLOCK(m) spinlock_t m
#define DEFINE_MUTEX(m) struct mutex m
#define INIT_LOCAL_LOCK(n) { 0 }
#define spin_lock_init(l) do { } while (0)
#define raw_spin_lock_init(l) do { } while (0)
#define spin_lock(l) do { } while (0)
#define spin_trylock(l) true
#define spin_unlock(l) do { } while (0)
#define spin_lock_irq(l) do { } while (0)
#define spin_unlock_irq(l) do { } while (0)
#define spin_lock_irqsave(l, f) do { (f) = 0; } while (0)
#define spin_unlock_irqrestore(l, f) do { (void)(f); } while (0)
#define raw_spin_lock_irqsave(l, f) do { (f) = 0; } while (0)
#define raw_spin_unlock_irqrestore(l, f) do { (void)(f); } while (0)
#define local_irq_save(f) do { (f) = 0; } while (0)
#define local_irq_restore(f) do { (void)(f); } while (0)
#define local_irq_disable() do { } while (0)
#define local_irq_enable() do { } while (0)
#define irqs_disabled() false
#define preempt_disable() do { } while (0)
#define preempt_enable() do { } while (0)
#define migrate_disable() do { } while (0)
#define migrate_enable() do { } while (0)
#define preemptible() true
#define in_atomic() false
#define might_sleep() do { } while (0)
#define might_sleep_if(c) do { (void)(c); } while (0)
#define cond_resched() do { } while (0)
#define cpu_relax() do { } while (0)
#define lockdep_assert_held(l) do { } while (0)
#define lockdep_assert_not_held(l) do { } while (0)
#define lockdep_assert_irqs_disabled() do { } while (0)
#define lockdep_assert_irqs_enabled() do { } while (0)
#define lockdep_assert_preemption_disabled() do { } while (0)
#define lockdep_assert_cpus_held() do { } while (0)
#define lockdep_assert_held_this_cpu(l) do { } while (0)
#define mutex_init(m) do { } while (0)
#define mutex_destroy(m) do { } while (0)
#define mutex_lock(m) ((void)(m))
#define mutex_trylock(m) true
#define mutex_unlock(m) ((void)(m))
#define local_lock_init(l) do { } while (0)
#define local_lock(l) do { } while (0)
#define local_unlock(l) do { } while (0)
#define local_lock_irq(l) do { } while (0)
#define local_unlock_irq(l) do { } while (0)
#define local_lock_irqsave(l, f) do { (f) = 0; } while (0)
#define local_unlock_irqrestore(l, f) do { (void)(f); } while (0)
#define cpus_read_lock() do { } while (0)
#define cpus_read_unlock() do { } while (0)
#define rcu_read_lock() do { } while (0)
#define rcu_read_unlock() do { } while (0)
#define synchronize_rcu() do { } while (0)
#define rcu_barrier() do { } while (0)
#define rcu_dereference(p) (p)
#define rcu_dereference_protected(p, c) (p)
#define rcu_access_pointer(p) (p)
#define rcu_assign_pointer(p, v) WRITE_ONCE(p, v)
#define RCU_INIT_POINTER(p, v) WRITE_ONCE(p, v)
struct rcu_head { void *next; void (*func)(struct rcu_head *); };
#define call_rcu(h, f) (f)(h)
#define kfree_rcu(p, f) free(p)
#define for_each_possible_cpu(c) for ((c) = 0; (c) < 1; (c)++)
#define for_each_online_cpu(c) for ((c) = 0; (c) < 1; (c)++)
#define cpu_online(c) ((c) == 0)
#define num_possible_cpus() 1
#define num_online_cpus() 1
#define on_each_cpu(f, i, w) (f)(i)
#define smp_call_function_single(c, f, i, w) ((f)(i), 0)
static inline void kbuddy_run_on_cpus(void (*fn)(void *arg), void *arg) { fn(arg); }
#define alloc_percpu(t) ((t *)calloc(1, sizeof(t)))
#define alloc_percpu_gfp(t, g) alloc_percpu(t)
#define free_percpu(p) free(p)
#define per_cpu_ptr(p, c) (p)
#define raw_cpu_ptr(p) (p)
#define this_cpu_ptr(p) (p)
#define this_cpu_read(v) (v)
#define this_cpu_write(v, x) ((v) = (x))
#define this_cpu_add(v, x) ((v) += (x))
#define this_cpu_inc(v) ((v)++)
#define this_cpu_cmpxchg(v, o, n) ({ typeof(v) __kshim_o = (v);	\
	if (__kshim_o == (o))						\
		(v) = (n);						\
	__kshim_o; })
#define this_cpu_dec(v) ((v)--)
#define __this_cpu_inc(v) ((v)++)
#define __this_cpu_read(v) (v)
#define kbuddy_race_hook(name) do { } while (0)
#define kshim_count_message() (kshim_messages++)
#endif /* KSHIM_THREADS */

/* Memory. */
#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGNED(a) IS_ALIGNED((unsigned long)(a), PAGE_SIZE)
#define PAGE_ALIGN(a) (((a) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
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
#define __GFP_RETRY_MAYFAIL 0x4000u
#define __GFP_NORETRY 0x10000u
#define __GFP_MEMALLOC 0x20000u
#define __GFP_NOMEMALLOC 0x80000u
#define __GFP_RECLAIM (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_ATOMIC (__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_NOWAIT (__GFP_KSWAPD_RECLAIM)
#define gfpflags_allow_blocking(g) (!!((g) & __GFP_DIRECT_RECLAIM))
#define want_init_on_alloc(g) false
/* A gfp that may sleep is checked against the context, as might_sleep(). */
#define kshim_gfp_check(g) might_sleep_if(gfpflags_allow_blocking(g))
#define kmalloc(s, g) ({ kshim_gfp_check(g); malloc(s); })
#define kzalloc(s, g) ({ kshim_gfp_check(g); calloc(1, s); })
#define kcalloc(n, s, g) ({ kshim_gfp_check(g); calloc(n, s); })
#define kvcalloc(n, s, g) ({ kshim_gfp_check(g); calloc(n, s); })
#define kmalloc_array(n, s, g) kcalloc(n, s, g)
#define kvmalloc(s, g) kmalloc(s, g)
#define kvzalloc(s, g) kzalloc(s, g)
#define kfree(p) free(p)
#define kvfree(p) free(p)
static inline long get_random_long(void) { return 0x5bd1e995L; }
/* Fault injection's probability: a fixed sequence, so that runs repeat. */
static inline u32 get_random_u32_below(u32 ceil)
{
	static unsigned int x = 2463534242u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x % ceil;
}

/* debug.c's report. */
static inline void *memchr_inv(const void *p, int c, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != (unsigned char)c)
			return (void *)(b + i);
	return NULL;
}
#ifndef round_down
#define round_down(x, y) ((x) & ~((__typeof__(x))((y) - 1)))
#define round_up(x, y) ((((x) - 1) | ((__typeof__(x))((y) - 1))) + 1)
#endif
#define KERN_ERR ""
enum { DUMP_PREFIX_NONE, DUMP_PREFIX_ADDRESS, DUMP_PREFIX_OFFSET };
static inline void print_hex_dump(const char *level, const char *prefix, int type,
				  int rowsize, int groupsize, const void *buf,
				  size_t len, bool ascii)
{
	const unsigned char *b = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		if (!(i % rowsize)) {
			fputs(prefix, stderr);
			if (type == DUMP_PREFIX_OFFSET)
				fprintf(stderr, "%08zx: ", i);
		}
		fprintf(stderr, "%02x%s", b[i], (i + 1) % rowsize && i + 1 < len ? " " : "\n");
	}
}
#define TAINT_BAD_PAGE 5
#define LOCKDEP_NOW_UNRELIABLE 1
static inline void add_taint(unsigned int flag, int lockdep)
{
	fprintf(stderr, "kshim: kernel tainted (flag %u)\n", flag);
}

/* Static keys: a counter read on every branch. */
struct static_key_false { atomic_t enabled; };
#define DEFINE_STATIC_KEY_FALSE(n) struct static_key_false n = { ATOMIC_INIT(0) }
#define DECLARE_STATIC_KEY_FALSE(n) extern struct static_key_false n
#define static_branch_unlikely(k) __builtin_expect(atomic_read(&(k)->enabled) > 0, 0)
#define static_branch_likely(k) (atomic_read(&(k)->enabled) > 0)
#define static_branch_inc(k) atomic_inc(&(k)->enabled)
#define static_branch_dec(k) atomic_dec(&(k)->enabled)

/* include/linux/timekeeping.h: nanoseconds of CLOCK_MONOTONIC. */
#include <time.h>
static inline u64 ktime_get_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline int atomic_dec_if_positive(atomic_t *a)
{
	int c = atomic_read(a);

	do {
		if (c <= 0)
			return c - 1;
	} while (!atomic_try_cmpxchg(a, &c, c - 1));
	return c - 1;
}
static inline size_t strscpy(char *d, const char *s, size_t n)
{
	snprintf(d, n, "%s", s);
	return strlen(d);
}

/* Messages: counted, printed only with KSHIM_VERBOSE. */
extern unsigned long kshim_messages;
#define kshim_msg(fmt, ...) do { kshim_count_message(); if (getenv("KSHIM_VERBOSE")) \
	fprintf(stderr, fmt, ##__VA_ARGS__); } while (0)
#define pr_err(fmt, ...) kshim_msg(fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...) kshim_msg(fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) kshim_msg(fmt, ##__VA_ARGS__)
#define pr_cont(fmt, ...) kshim_msg(fmt, ##__VA_ARGS__)
#define pr_err_ratelimited(fmt, ...) kshim_msg(fmt, ##__VA_ARGS__)
#define pr_warn_ratelimited(fmt, ...) kshim_msg(fmt, ##__VA_ARGS__)
#define vscnprintf(b, n, f, a) vsnprintf(b, n, f, a)

/*
 * Stacks: really recorded, with glibc's backtrace(), and kept in a table
 * whose handles are index + 1 (0 is "none"), as the stack depot's.
 */
typedef u32 depot_stack_handle_t;
unsigned int stack_trace_save(unsigned long *store, unsigned int size,
			      unsigned int skipnr);
depot_stack_handle_t stack_depot_save(unsigned long *entries,
				      unsigned int nr_entries, gfp_t gfp);
unsigned int stack_depot_fetch(depot_stack_handle_t handle,
			       unsigned long **entries);
void stack_depot_print(depot_stack_handle_t handle);
static inline int stack_depot_init(void)
{
	return 0;
}
struct task_struct;
#define current ((struct task_struct *)0)
int kshim_task_pid(void);
#define task_pid_nr(t) kshim_task_pid()
#ifndef array3_size
#define array3_size(a, b, c) ((size_t)(a) * (b) * (c))
#endif

/* I/O memory (linux/io.h): in userspace, memory like any other. */
#define memset_io(p, c, n)	memset((p), (c), (n))

#endif /* _KSHIM_H */
