package io.globalval.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.EventListener;
import org.springframework.test.util.AopTestUtils;

import io.globalval.GlobalValTemplate;
import io.globalval.event.GlobalValChangedEvent;
import io.globalval.event.GlobalValListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link GlobalValListener} methods, registered by
 * {@link GlobalValAutoConfiguration} through a {@link GlobalValListenerFactory}.
 */
class GlobalValListenerTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	/** Written last: once every listener of the context has had it, they had every earlier change. */
	private static final String DONE = "done";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GlobalValAutoConfiguration.class))
		.withPropertyValues("globalval.name=listeners", "globalval.transport=local")
		.withBean(Done.class);

	/**
	 * Set keys in order, then {@link #DONE}, and wait until the change of {@code DONE} was
	 * published: events are published one at a time, in revision order.
	 */
	private static void set(AssertableApplicationContext context, Object value, String... keys) {
		GlobalValTemplate globalVals = context.getBean(GlobalValTemplate.class);
		for (String key : keys) {
			globalVals.set(key, value).join();
		}
		globalVals.set(DONE, true).join();
		Done done = context.getBean(Done.class);
		await().atMost(WAIT).untilAsserted(() -> assertThat(done.count).hasValue(1));
	}

	@Test
	void theFactoryIsAutoConfigured() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(GlobalValListenerFactory.class));
	}

	@Test
	void theFactoryBacksOffWithGlobalValDisabled() {
		this.contextRunner.withPropertyValues("globalval.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(GlobalValListenerFactory.class));
	}

	@Test
	void aMethodHearsTheKeysMatchingItsPatternOnly() {
		this.contextRunner.withBean(FlagListener.class).run((context) -> {
			set(context, true, "flags.dark", "flags", "flags.ui.dark", "greeting", "flags.beta");
			assertThat(context.getBean(FlagListener.class).keys).containsExactly("flags.dark", "flags.beta");
		});
	}

	@Test
	void aMethodWithSeveralPatternsHearsTheKeysMatchingAnyOfThem() {
		this.contextRunner.withBean(LimitsListener.class).run((context) -> {
			set(context, 1, "limits", "limits.orders.max", "maintenance.window", "maintenance", "greeting");
			assertThat(context.getBean(LimitsListener.class).keys).containsExactly("limits", "limits.orders.max",
					"maintenance");
		});
	}

	@Test
	void aMethodTakingTheValueGetsItConvertedAndNullOnceDeleted() {
		this.contextRunner.withBean(DarkModeListener.class).run((context) -> {
			GlobalValTemplate globalVals = context.getBean(GlobalValTemplate.class);
			globalVals.set("flags.dark", new Flag("dark", true)).join();
			globalVals.delete("flags.dark").join();
			set(context, true, "flags.beta");
			assertThat(context.getBean(DarkModeListener.class).flags).containsExactly(new Flag("dark", true), null);
		});
	}

	@Test
	void aMethodTakingAGenericValueGetsItsElementsConverted() {
		this.contextRunner.withBean(FlagListListener.class).run((context) -> {
			set(context, List.of(new Flag("dark", true), new Flag("beta", false)), "flags.all");
			assertThat(context.getBean(FlagListListener.class).lists)
				.containsExactly(List.of(new Flag("dark", true), new Flag("beta", false)));
		});
	}

	@Test
	void aMethodWithoutParameterIsCalledForEachMatchingChange() {
		this.contextRunner.withBean(PingListener.class).run((context) -> {
			set(context, true, "ping", "pong", "ping");
			assertThat(context.getBean(PingListener.class).calls).hasValue(2);
		});
	}

	@Test
	void aConditionNarrowsWhatThePatternsMatch() {
		this.contextRunner.withBean(ConditionalListener.class).run((context) -> {
			GlobalValTemplate globalVals = context.getBean(GlobalValTemplate.class);
			globalVals.set("flags.dark", true).join();
			globalVals.delete("flags.dark").join();
			set(context, true, "flags.beta", "greeting");
			assertThat(context.getBean(ConditionalListener.class).keys).containsExactly("flags.dark", "flags.beta");
		});
	}

	@Test
	void aSpelConditionOnEventListenerMatchesKeysWithoutTheAnnotation() {
		this.contextRunner.withBean(SpelListener.class).run((context) -> {
			set(context, true, "flags.dark", "flags", "flagsdark", "flags.ui.dark");
			assertThat(context.getBean(SpelListener.class).keys).containsExactly("flags.dark", "flags.ui.dark");
		});
	}

	@Test
	void aMethodOfAProxiedBeanIsCalledThroughTheProxy() {
		this.contextRunner.withBean(FlagListener.class)
			.withBean(Proxying.class, () -> new Proxying(FlagListener.class))
			.run((context) -> {
				assertThat(AopUtils.isCglibProxy(context.getBean(FlagListener.class))).isTrue();
				set(context, true, "flags.dark", "greeting");
				assertThat(context.getBean(Proxying.class).invoked).containsExactly("on");
				FlagListener target = AopTestUtils.getUltimateTargetObject(context.getBean(FlagListener.class));
				assertThat(target.keys).containsExactly("flags.dark");
			});
	}

	@Test
	void aMethodWithoutPatternFailsStartupSayingWhatToDo() {
		this.contextRunner.withBean(NoPatternListener.class).run((context) -> assertThat(context).getFailure()
			.rootCause()
			.hasMessageContaining("@GlobalValListener on void " + NoPatternListener.class.getName() + ".on(")
			.hasMessageContaining("has no key pattern; name the keys to listen to"));
	}

	@Test
	void aMethodTakingAPrimitiveFailsStartupSayingToTakeTheWrapper() {
		this.contextRunner.withBean(PrimitiveListener.class).run((context) -> assertThat(context).getFailure()
			.rootCause()
			.hasMessageContaining("takes a boolean, which cannot be null when a key is deleted; take its wrapper type"));
	}

	record Flag(String name, boolean on) {
	}

	static class Done {

		final AtomicInteger count = new AtomicInteger();

		@GlobalValListener(DONE)
		void on() {
			this.count.incrementAndGet();
		}

	}

	static class FlagListener {

		final List<String> keys = new CopyOnWriteArrayList<>();

		@GlobalValListener("flags.*")
		void on(GlobalValChangedEvent event) {
			this.keys.add(event.getKey());
		}

	}

	static class LimitsListener {

		final List<String> keys = new CopyOnWriteArrayList<>();

		@GlobalValListener({ "limits.**", "maintenance" })
		void on(ApplicationEvent event) {
			this.keys.add(((GlobalValChangedEvent) event).getKey());
		}

	}

	static class DarkModeListener {

		final List<Flag> flags = new CopyOnWriteArrayList<>();

		@GlobalValListener("flags.dark")
		void on(Flag flag) {
			// CopyOnWriteArrayList takes null
			this.flags.add(flag);
		}

	}

	static class FlagListListener {

		final List<List<Flag>> lists = new CopyOnWriteArrayList<>();

		@GlobalValListener("flags.all")
		void on(List<Flag> flags) {
			this.lists.add(flags);
		}

	}

	static class PingListener {

		final AtomicInteger calls = new AtomicInteger();

		@GlobalValListener("ping")
		void on() {
			this.calls.incrementAndGet();
		}

	}

	static class ConditionalListener {

		final List<String> keys = new CopyOnWriteArrayList<>();

		@GlobalValListener(keys = "flags.*", condition = "!#event.deleted")
		void on(GlobalValChangedEvent event) {
			this.keys.add(event.getKey());
		}

	}

	static class SpelListener {

		final List<String> keys = new CopyOnWriteArrayList<>();

		@EventListener(condition = "#event.key matches 'flags\\..*'")
		void on(GlobalValChangedEvent event) {
			this.keys.add(event.getKey());
		}

	}

	static class NoPatternListener {

		@GlobalValListener
		void on(GlobalValChangedEvent event) {
		}

	}

	static class PrimitiveListener {

		@GlobalValListener("maintenance")
		void on(boolean maintenance) {
		}

	}

	/**
	 * Wraps the bean of one class in a class-based proxy that records the methods called
	 * through it, as {@code @Transactional} or {@code @Async} would.
	 */
	static class Proxying implements BeanPostProcessor {

		final List<String> invoked = new CopyOnWriteArrayList<>();

		private final Class<?> type;

		Proxying(Class<?> type) {
			this.type = type;
		}

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) {
			if (!this.type.isInstance(bean)) {
				return bean;
			}
			ProxyFactory proxyFactory = new ProxyFactory(bean);
			proxyFactory.setProxyTargetClass(true);
			proxyFactory.addAdvice((MethodInterceptor) (invocation) -> {
				this.invoked.add(invocation.getMethod().getName());
				return invocation.proceed();
			});
			return proxyFactory.getProxy();
		}

	}

}
