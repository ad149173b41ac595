package io.globalval.sample;

import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import io.globalval.GlobalValTemplate;
import io.globalval.autoconfigure.test.AutoConfigureGlobalVal;
import io.globalval.core.GlobalValNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ValuesController}, in a web slice: {@link AutoConfigureGlobalVal} gives
 * the slice (which leaves globalval's auto-configuration out) a template on the local
 * transport, so the test shares nothing with a sample running on this machine.
 */
@WebMvcTest(ValuesController.class)
@AutoConfigureGlobalVal
class ValuesControllerTests {

	@Autowired
	private MockMvcTester mvc;

	@Autowired
	private GlobalValTemplate globalVals;

	@Autowired
	private GlobalValNode node;

	@Test
	void theSliceHasALocalNodeOfItsOwn() {
		assertThat(this.node.sequencerAddress()).isEqualTo("local:sample");
		assertThat(this.node.workers()).isEmpty();
		// the sample's runner ran in the slice too, and counted this start only
		assertThat(this.globalVals.get("starts")).isEqualTo(1);
	}

	@Test
	void aValuePutIsReadBackAtItsRevision() throws Exception {
		MvcTestResult put = this.mvc.put()
			.uri("/values/{key}", "color")
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"name\":\"teal\"}")
			.exchange();
		assertThat(put).hasStatusOk().bodyJson().extractingPath("$.process.role").isEqualTo("MASTER");
		assertThat(put).bodyJson().extractingPath("$.value.name").isEqualTo("teal");
		long revision = ((Number) JsonPath.read(put.getResponse().getContentAsString(), "$.changeRevision")).longValue();
		assertThat(this.globalVals.get("color")).isEqualTo(Map.of("name", "teal"));
		assertThat(this.mvc.get().uri("/values/color?revision={revision}", revision)).hasStatusOk()
			.bodyJson()
			.extractingPath("$.value.name")
			.isEqualTo("teal");
		assertThat(this.mvc.get().uri("/values")).hasStatusOk()
			.bodyJson()
			.extractingPath("$.values.color.name")
			.isEqualTo("teal");
	}

	@Test
	void anUnknownKeyIsNotFound() {
		assertThat(this.mvc.get().uri("/values/{key}", "missing")).hasStatus(HttpStatus.NOT_FOUND)
			.bodyJson()
			.extractingPath("$.key")
			.isEqualTo("missing");
	}

	@Test
	void aCounterIsIncrementedAndDeleted() {
		assertThat(this.mvc.post().uri("/values/{key}/increment?delta=5", "hits")).hasStatusOk()
			.bodyJson()
			.extractingPath("$.value")
			.isEqualTo(5);
		assertThat(this.mvc.post().uri("/values/{key}/increment", "hits")).hasStatusOk()
			.bodyJson()
			.extractingPath("$.value")
			.isEqualTo(6);
		assertThat(this.mvc.delete().uri("/values/{key}", "hits")).hasStatusOk()
			.bodyJson()
			.extractingPath("$.deleted")
			.isEqualTo(true);
		assertThat(this.globalVals.get("hits")).isNull();
	}

}
