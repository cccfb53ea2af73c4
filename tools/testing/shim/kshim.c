// SPDX-License-Identifier: GPL-2.0
/*
 * The multi-threaded model of the kernel (KSHIM_THREADS=1): threads are CPUs.
 *
 * A thread runs "on" the CPU kshim_set_cpu() gave it (0 for a new thread).
 * Turning interrupts off takes the current CPU's irq lock; on_each_cpu()
 * takes each CPU's irq lock in turn to run the function "on" it, so an IPI
 * waits for a section with interrupts off on its CPU, and code on other CPUs
 * runs concurrently, as in the kernel. Spinlocks and mutexes are pthread
 * mutexes. Every thread with interrupts off, preemption off (spinlocks and
 * local locks included) or in rcu_read_lock() is an RCU reader;
 * synchronize_rcu() waits until no thread is, and RCU callbacks run only
 * then.
 *
 * A thread that has to wait in the shim (for a lock, an irq lock, a grace
 * period) is marked blocked while it waits and wakes kshim_event_wait(), so
 * that a race test can hold one thread at a kbuddy_race_hook() until another
 * has either finished or is waiting for it: deterministic, not timed.
 */
#include <sys/mman.h>
#include <linux/kernel.h>

#define assert(c) do { if (!(c)) {					\
	kshim_bug(__FILE__, __LINE__, "assertion " #c " failed");	\
	abort(); } } while (0)

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#define pcpu_poison(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define pcpu_unpoison(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define pcpu_poison(p, n) do { } while (0)
#define pcpu_unpoison(p, n) do { } while (0)
#endif

__thread int kshim_in_irq;
__thread struct kshim_thread kshim_self = { .irq_cpu = -1 };
bool kshim_cpu_online[NR_CPUS] = { [0 ... NR_CPUS - 1] = true };
unsigned long kshim_bugs;

struct kshim_thread *kshim_thread_self(void)
{
	return &kshim_self;
}

bool kshim_thread_blocked(const struct kshim_thread *t)
{
	return __atomic_load_n(&t->blocked, __ATOMIC_SEQ_CST) > 0;
}

void kshim_bug(const char *file, int line, const char *what)
{
	__atomic_fetch_add(&kshim_bugs, 1, __ATOMIC_SEQ_CST);
	fprintf(stderr, "kshim: BUG: %s at %s:%d (cpu %d)\n", what, file, line,
		kshim_self.cpu);
}

/* ==== Events ============================================================= */

static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ev_cond = PTHREAD_COND_INITIALIZER;

/**
 * kshim_event_signal() - wake every kshim_event_wait() to re-check
 */
void kshim_event_signal(void)
{
	pthread_mutex_lock(&ev_lock);
	pthread_cond_broadcast(&ev_cond);
	pthread_mutex_unlock(&ev_lock);
}

/**
 * kshim_event_wait() - wait until @pred(@arg) holds
 * @pred: re-checked after every kshim_event_signal()
 * @arg: its argument
 *
 * Whoever changes what @pred reads must call kshim_event_signal() after.
 */
void kshim_event_wait(bool (*pred)(void *arg), void *arg)
{
	pthread_mutex_lock(&ev_lock);
	while (!pred(arg))
		pthread_cond_wait(&ev_cond, &ev_lock);
	pthread_mutex_unlock(&ev_lock);
}

static void blocked_enter(void)
{
	__atomic_fetch_add(&kshim_self.blocked, 1, __ATOMIC_SEQ_CST);
	kshim_event_signal();
}

static void blocked_exit(void)
{
	__atomic_fetch_sub(&kshim_self.blocked, 1, __ATOMIC_SEQ_CST);
}

/* Take @m, marked blocked if someone else holds it. */
static void lock_blocking(pthread_mutex_t *m)
{
	if (!pthread_mutex_trylock(m))
		return;
	blocked_enter();
	pthread_mutex_lock(m);
	blocked_exit();
}

/* ==== RCU readers ======================================================== */

static int rcu_readers;		/* threads that are RCU readers */
static int rcu_waiters;		/* threads waiting for a grace period */

static bool is_reader(const struct kshim_thread *t)
{
	return t->irq_cpu >= 0 || t->preempt || t->rcu;
}

static void reader_get(bool was)
{
	if (!was)
		__atomic_fetch_add(&rcu_readers, 1, __ATOMIC_SEQ_CST);
}

static void reader_put(void)
{
	if (is_reader(&kshim_self))
		return;
	if (!__atomic_sub_fetch(&rcu_readers, 1, __ATOMIC_SEQ_CST) &&
	    __atomic_load_n(&rcu_waiters, __ATOMIC_SEQ_CST))
		kshim_event_signal();
}

/* ==== CPUs, interrupts, preemption ======================================= */

static pthread_mutex_t irq_lock[NR_CPUS] = {
	[0 ... NR_CPUS - 1] = PTHREAD_MUTEX_INITIALIZER
};

/**
 * kshim_set_cpu() - move the calling thread to @cpu
 * @cpu: 0 .. NR_CPUS - 1
 *
 * Only in preemptible code, as a task migrates.
 */
void kshim_set_cpu(int cpu)
{
	assert(cpu >= 0 && cpu < NR_CPUS);
	if (!preemptible())
		kshim_bug(__FILE__, __LINE__, "kshim_set_cpu() in atomic context");
	kshim_self.cpu = cpu;
}

void kshim_set_cpu_online(int cpu, bool online)
{
	kshim_cpu_online[cpu] = online;
}

unsigned int num_online_cpus(void)
{
	unsigned int n = 0;
	int cpu;

	for_each_online_cpu(cpu)
		n++;
	return n;
}

int kshim_smp_processor_id(const char *file, int line)
{
	/* As CONFIG_DEBUG_PREEMPT; a work item bound to its CPU is exempt. */
	if (preemptible() && !kshim_self.bound)
		kshim_bug(file, line, "smp_processor_id() in preemptible code");
	return kshim_self.cpu;
}

/*
 * A CPU's task lock: a task on the CPU holds it for read while its
 * preemption or its interrupts are off; kbuddy_run_on_cpus() holds it for write while it runs
 * its function as a work item on the CPU, which the kernel cannot schedule
 * there while a task of the CPU has preemption off. Threads playing an
 * interrupt (kshim_in_irq) and the work item itself take no part.
 * Reader-preferring (glibc's default), so an interrupt-playing thread is
 * never held up behind a waiting work item.
 */
static pthread_rwlock_t cpu_task_lock[NR_CPUS] = {
	[0 ... NR_CPUS - 1] = PTHREAD_RWLOCK_INITIALIZER
};

static void task_hold(struct kshim_thread *t)
{
	if (t->task_cpu || kshim_in_irq || t->bound)
		return;
	if (pthread_rwlock_tryrdlock(&cpu_task_lock[t->cpu])) {
		blocked_enter();
		pthread_rwlock_rdlock(&cpu_task_lock[t->cpu]);
		blocked_exit();
	}
	t->task_cpu = t->cpu + 1;
}

static void task_release(struct kshim_thread *t)
{
	if (!t->task_cpu || t->preempt || t->irq_cpu >= 0)
		return;
	pthread_rwlock_unlock(&cpu_task_lock[t->task_cpu - 1]);
	t->task_cpu = 0;
}

/**
 * kshim_irq_save() - local_irq_save(): take the current CPU's irq lock
 * @flags: set to 1 if interrupts were already off, else 0
 */
void kshim_irq_save(unsigned long *flags)
{
	struct kshim_thread *t = &kshim_self;
	bool was = is_reader(t);

	if (t->irq_cpu >= 0) {
		t->irq_depth++;
		*flags = 1;
		return;
	}
	reader_get(was);
	task_hold(t);
	lock_blocking(&irq_lock[t->cpu]);
	t->irq_cpu = t->cpu;
	t->irq_depth = 0;
	*flags = 0;
}

/**
 * kshim_irq_restore() - local_irq_restore()
 * @flags: from the matching kshim_irq_save()
 */
void kshim_irq_restore(unsigned long flags)
{
	struct kshim_thread *t = &kshim_self;

	if (t->irq_cpu < 0) {
		kshim_bug(__FILE__, __LINE__, "local_irq_restore() with interrupts on");
		return;
	}
	if (flags) {
		if (t->irq_depth-- <= 0)
			kshim_bug(__FILE__, __LINE__, "local_irq_restore() unbalanced");
		return;
	}
	if (t->irq_depth)
		kshim_bug(__FILE__, __LINE__, "interrupts turned on inside a nested section");
	if (t->irq_cpu != t->cpu)
		kshim_bug(__FILE__, __LINE__, "interrupts turned on on another CPU");
	pthread_mutex_unlock(&irq_lock[t->irq_cpu]);
	t->irq_cpu = -1;
	task_release(t);
	reader_put();
}

void kshim_preempt_disable(void)
{
	struct kshim_thread *t = &kshim_self;

	reader_get(is_reader(t));
	task_hold(t);
	t->preempt++;
}

void kshim_preempt_enable(void)
{
	if (kshim_self.preempt <= 0) {
		kshim_bug(__FILE__, __LINE__, "preempt_enable() unbalanced");
		return;
	}
	kshim_self.preempt--;
	task_release(&kshim_self);
	reader_put();
}

void kshim_might_sleep(const char *file, int line)
{
	if (is_reader(&kshim_self))
		kshim_bug(file, line, "sleeping function called from invalid context");
}

/* ==== Locks ============================================================== */

void kshim_lock_init(pthread_mutex_t *m)
{
	pthread_mutex_init(m, NULL);
}

void kshim_spin_lock(spinlock_t *l)
{
	if (l->owner == &kshim_self) {
		kshim_bug(__FILE__, __LINE__, "spinlock recursion");
		abort();
	}
	kshim_preempt_disable();
	lock_blocking(&l->m);
	l->owner = &kshim_self;
}

bool kshim_spin_trylock(spinlock_t *l)
{
	kshim_preempt_disable();
	if (pthread_mutex_trylock(&l->m)) {
		kshim_preempt_enable();
		return false;
	}
	l->owner = &kshim_self;
	return true;
}

void kshim_spin_unlock(spinlock_t *l)
{
	if (l->owner != &kshim_self)
		kshim_bug(__FILE__, __LINE__, "spin_unlock() of a lock not held");
	l->owner = NULL;
	pthread_mutex_unlock(&l->m);
	kshim_preempt_enable();
}

void kshim_mutex_lock(struct mutex *l, const char *file, int line)
{
	kshim_might_sleep(file, line);
	if (l->owner == &kshim_self) {
		kshim_bug(file, line, "mutex recursion");
		abort();
	}
	lock_blocking(&l->m);
	l->owner = &kshim_self;
}

bool kshim_mutex_trylock(struct mutex *l)
{
	if (pthread_mutex_trylock(&l->m))
		return false;
	l->owner = &kshim_self;
	return true;
}

void kshim_mutex_unlock(struct mutex *l)
{
	if (l->owner != &kshim_self)
		kshim_bug(__FILE__, __LINE__, "mutex_unlock() of a mutex not held");
	l->owner = NULL;
	pthread_mutex_unlock(&l->m);
}

static pthread_rwlock_t cpus_lock = PTHREAD_RWLOCK_INITIALIZER;

void cpus_read_lock(void)
{
	might_sleep();
	if (!pthread_rwlock_tryrdlock(&cpus_lock))
		return;
	blocked_enter();
	pthread_rwlock_rdlock(&cpus_lock);
	blocked_exit();
}

void cpus_read_unlock(void)
{
	pthread_rwlock_unlock(&cpus_lock);
}

void cpus_write_lock(void)
{
	might_sleep();
	if (!pthread_rwlock_trywrlock(&cpus_lock))
		return;
	blocked_enter();
	pthread_rwlock_wrlock(&cpus_lock);
	blocked_exit();
}

void cpus_write_unlock(void)
{
	pthread_rwlock_unlock(&cpus_lock);
}

/* ==== Per-CPU memory ===================================================== */

/* Units of KSHIM_PCPU_UNIT bytes: unit 0 is PROT_NONE, unit n + 1 is CPU n's. */
#define PCPU_GRAIN	64
#define PCPU_GRAINS	(KSHIM_PCPU_UNIT / PCPU_GRAIN)

static pthread_mutex_t pcpu_lock = PTHREAD_MUTEX_INITIALIZER;
static char *pcpu_base;
static unsigned long pcpu_used[PCPU_GRAINS / BITS_PER_LONG];
static u32 pcpu_len[PCPU_GRAINS];	/* grains of the allocation starting here */

static void pcpu_init(void)
{
	pcpu_base = mmap(NULL, (NR_CPUS + 1) * KSHIM_PCPU_UNIT, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	assert(pcpu_base != MAP_FAILED);
	mprotect(pcpu_base, KSHIM_PCPU_UNIT, PROT_NONE);
	pcpu_poison(pcpu_base + KSHIM_PCPU_UNIT, NR_CPUS * KSHIM_PCPU_UNIT);
}

/**
 * kshim_alloc_percpu() - alloc_percpu(): NR_CPUS zeroed copies
 * @size: bytes per copy
 * @align: alignment, at most PAGE_SIZE
 *
 * Return: the __percpu address (unit 0), or NULL.
 */
void *kshim_alloc_percpu(size_t size, size_t align)
{
	unsigned long n = (size + PCPU_GRAIN - 1) / PCPU_GRAIN ?: 1;
	unsigned long step = align > PCPU_GRAIN ? align / PCPU_GRAIN : 1;
	unsigned long i, j;
	int cpu;

	pthread_mutex_lock(&pcpu_lock);
	if (!pcpu_base)
		pcpu_init();
	for (i = 0; i + n <= PCPU_GRAINS; i += step) {
		for (j = 0; j < n; j++)
			if (test_bit(i + j, pcpu_used))
				break;
		if (j == n)
			break;
	}
	if (i + n > PCPU_GRAINS) {
		pthread_mutex_unlock(&pcpu_lock);
		return NULL;
	}
	for (j = 0; j < n; j++)
		pcpu_used[(i + j) / BITS_PER_LONG] |= 1UL << ((i + j) % BITS_PER_LONG);
	pcpu_len[i] = n;
	pthread_mutex_unlock(&pcpu_lock);
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		char *copy = pcpu_base + (cpu + 1) * KSHIM_PCPU_UNIT + i * PCPU_GRAIN;

		pcpu_unpoison(copy, size);
		memset(copy, 0, size);
	}
	return pcpu_base + i * PCPU_GRAIN;
}

void kshim_free_percpu(void *p)
{
	unsigned long i, j, n;
	int cpu;

	if (!p)
		return;
	i = ((char *)p - pcpu_base) / PCPU_GRAIN;
	assert((char *)p >= pcpu_base && i < PCPU_GRAINS && pcpu_len[i]);
	pthread_mutex_lock(&pcpu_lock);
	n = pcpu_len[i];
	pcpu_len[i] = 0;
	for (j = 0; j < n; j++)
		pcpu_used[(i + j) / BITS_PER_LONG] &= ~(1UL << ((i + j) % BITS_PER_LONG));
	pthread_mutex_unlock(&pcpu_lock);
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		pcpu_poison(pcpu_base + (cpu + 1) * KSHIM_PCPU_UNIT + i * PCPU_GRAIN,
			    n * PCPU_GRAIN);
}

void *kshim_per_cpu_ptr(const void *p, int cpu)
{
	unsigned long off = (const char *)p - pcpu_base;

	if (off >= KSHIM_PCPU_UNIT || (unsigned int)cpu >= NR_CPUS) {
		kshim_bug(__FILE__, __LINE__, "per_cpu_ptr() of no per-CPU address or CPU");
		abort();
	}
	return (char *)p + (cpu + 1) * KSHIM_PCPU_UNIT;
}

/* ==== Local locks ======================================================== */

/**
 * kshim_local_lock() - local_lock() and local_lock_irqsave()
 * @percpu_lock: __percpu address of the lock; the current CPU's is taken
 * @flags: for @irq, the saved interrupt state
 * @irq: also turn the CPU's interrupts off
 */
void kshim_local_lock(local_lock_t *percpu_lock, unsigned long *flags, bool irq)
{
	local_lock_t *l;

	if (irq)
		kshim_irq_save(flags);
	kshim_preempt_disable();
	l = kshim_per_cpu_ptr(percpu_lock, kshim_self.cpu);
	if (l->owner == &kshim_self) {
		kshim_bug(__FILE__, __LINE__, "local_lock recursion");
		abort();
	}
	lock_blocking(&l->m);
	l->owner = &kshim_self;
}

void kshim_local_unlock(local_lock_t *percpu_lock, unsigned long flags, bool irq)
{
	local_lock_t *l = kshim_per_cpu_ptr(percpu_lock, kshim_self.cpu);

	if (l->owner != &kshim_self)
		kshim_bug(__FILE__, __LINE__, "local_unlock() of a lock not held");
	l->owner = NULL;
	pthread_mutex_unlock(&l->m);
	kshim_preempt_enable();
	if (irq)
		kshim_irq_restore(flags);
}

/* ==== IPIs and per-CPU work ============================================== */

static void run_on(int cpu, smp_call_func_t fn, void *arg)
{
	int saved = kshim_self.cpu;
	unsigned long flags;

	kshim_self.cpu = cpu;
	kshim_irq_save(&flags);
	fn(arg);
	kshim_irq_restore(flags);
	kshim_self.cpu = saved;
}

/**
 * on_each_cpu() - run @fn on every online CPU, interrupts off there
 * @fn: the function
 * @arg: its argument
 * @wait: ignored: the calls are made one after the other by the caller
 *
 * For each CPU in turn the caller becomes that CPU and takes its irq lock,
 * so @fn waits for any section of that CPU with interrupts off and excludes
 * them while it runs.
 */
void on_each_cpu(smp_call_func_t fn, void *arg, int wait)
{
	int cpu;

	if (irqs_disabled())
		kshim_bug(__FILE__, __LINE__, "on_each_cpu() with interrupts off");
	for_each_online_cpu(cpu)
		run_on(cpu, fn, arg);
}

int smp_call_function_single(int cpu, smp_call_func_t fn, void *arg, int wait)
{
	if (irqs_disabled())
		kshim_bug(__FILE__, __LINE__, "smp_call_function_single() with interrupts off");
	if (!cpu_online(cpu))
		return -ENXIO;
	run_on(cpu, fn, arg);
	return 0;
}

/**
 * kbuddy_run_on_cpus() - run @fn on every online CPU in process context
 * @fn: the function
 * @arg: its argument
 *
 * The kernel queues a work item per CPU and waits for them; here the caller
 * becomes each CPU in turn, as a worker bound to it, and calls @fn.
 */
void kbuddy_run_on_cpus(void (*fn)(void *arg), void *arg)
{
	int saved = kshim_self.cpu, cpu;

	might_sleep();
	for_each_online_cpu(cpu) {
		if (pthread_rwlock_trywrlock(&cpu_task_lock[cpu])) {
			blocked_enter();
			pthread_rwlock_wrlock(&cpu_task_lock[cpu]);
			blocked_exit();
		}
		kshim_self.cpu = cpu;
		kshim_self.bound = 1;
		fn(arg);
		kshim_self.bound = 0;
		pthread_rwlock_unlock(&cpu_task_lock[cpu]);
	}
	kshim_self.cpu = saved;
}

/* ==== RCU ================================================================ */

static pthread_mutex_t cb_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rcu_head *cb_list;	/* newest first */

void rcu_read_lock(void)
{
	reader_get(is_reader(&kshim_self));
	kshim_self.rcu++;
}

void rcu_read_unlock(void)
{
	if (kshim_self.rcu <= 0) {
		kshim_bug(__FILE__, __LINE__, "rcu_read_unlock() unbalanced");
		return;
	}
	kshim_self.rcu--;
	reader_put();
}

bool rcu_read_lock_held(void)
{
	return is_reader(&kshim_self);
}

void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	head->func = func;
	pthread_mutex_lock(&cb_lock);
	head->next = cb_list;
	cb_list = head;
	pthread_mutex_unlock(&cb_lock);
}

/* kfree_rcu(): the offset of the rcu_head stands in for a function. */
void kshim_kfree_rcu(struct rcu_head *head, size_t offset)
{
	call_rcu(head, (rcu_callback_t)offset);
}

static bool no_readers(void *arg)
{
	return !__atomic_load_n(&rcu_readers, __ATOMIC_SEQ_CST);
}

/* Run a detached list of callbacks, oldest first. */
static void run_callbacks(struct rcu_head *list)
{
	struct rcu_head *rev = NULL, *h;

	while (list) {
		h = list;
		list = h->next;
		h->next = rev;
		rev = h;
	}
	while (rev) {
		h = rev;
		rev = h->next;
		if ((unsigned long)h->func < 4096)
			free((char *)h - (unsigned long)h->func);
		else
			h->func(h);
	}
}

/*
 * A grace period for the callbacks queued so far: wait (or, without @wait,
 * check) until no thread is a reader, then run them. Return: 1 if it ran
 * them.
 */
static int grace_period(bool wait)
{
	struct rcu_head *list;

	pthread_mutex_lock(&cb_lock);
	list = cb_list;
	cb_list = NULL;
	pthread_mutex_unlock(&cb_lock);
	if (wait) {
		__atomic_fetch_add(&rcu_waiters, 1, __ATOMIC_SEQ_CST);
		if (!no_readers(NULL)) {
			blocked_enter();
			kshim_event_wait(no_readers, NULL);
			blocked_exit();
		}
		__atomic_fetch_sub(&rcu_waiters, 1, __ATOMIC_SEQ_CST);
	} else if (!no_readers(NULL)) {
		struct rcu_head **tail = &list;

		/* Put them back, older than anything queued since. */
		pthread_mutex_lock(&cb_lock);
		if (list) {
			while (*tail)
				tail = &(*tail)->next;
			*tail = cb_list;
			cb_list = list;
		}
		pthread_mutex_unlock(&cb_lock);
		return 0;
	}
	run_callbacks(list);
	return 1;
}

void synchronize_rcu(void)
{
	might_sleep();
	grace_period(true);
}

void rcu_barrier(void)
{
	might_sleep();
	do {
		grace_period(true);
	} while (READ_ONCE(cb_list));
}

/**
 * kshim_rcu_quiescent() - end a grace period now if no thread is a reader
 *
 * For tests and the fuzzer, between operations, so that callbacks run soon.
 * Return: 1 if the callbacks queued so far ran.
 */
int kshim_rcu_quiescent(void)
{
	if (is_reader(&kshim_self))
		return 0;
	return grace_period(false);
}

/* ==== Race hooks ========================================================= */

static kshim_race_hook_fn race_fn;
static void *race_arg;

/**
 * kshim_set_race_hook() - call @fn(name, @arg) at every kbuddy_race_hook()
 * @fn: the callback, or NULL for none; it runs in the thread at the hook
 * @arg: its argument
 */
void kshim_set_race_hook(kshim_race_hook_fn fn, void *arg)
{
	__atomic_store_n(&race_arg, arg, __ATOMIC_SEQ_CST);
	__atomic_store_n(&race_fn, fn, __ATOMIC_SEQ_CST);
}

void kshim_race_hook(const char *name)
{
	kshim_race_hook_fn fn = __atomic_load_n(&race_fn, __ATOMIC_SEQ_CST);

	if (fn)
		fn(name, __atomic_load_n(&race_arg, __ATOMIC_SEQ_CST));
}

