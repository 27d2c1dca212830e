package io.greenai.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import io.greenai.core.Compressor;
import io.greenai.core.ModelFormatException;
import io.greenai.core.UnsupportedModelException;
import io.greenai.onnx.graph.Attributes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelTest {

    @TempDir
    Path temp;

    private Path savedFixture() {
        return OnnxModel.of(new TinyTransformer().build(), "tiny").save(temp.resolve("tiny.onnx"));
    }

    @Test
    void load_rejectsMissingFileNamingIt() {
        Path missing = temp.resolve("missing.onnx");

        assertThatThrownBy(() -> OnnxModel.load(missing))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("not found").hasMessageContaining(missing.toString());
    }

    @Test
    void load_rejectsDirectory() {
        assertThatThrownBy(() -> OnnxModel.load(temp))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("not a regular file");
    }

    @Test
    void load_rejectsEmptyFile() throws Exception {
        Path empty = Files.createFile(temp.resolve("empty.onnx"));

        assertThatThrownBy(() -> OnnxModel.load(empty))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("empty");
    }

    @Test
    void load_rejectsTextFile() throws Exception {
        Path text = Files.writeString(temp.resolve("notes.onnx"), "this is not a model\n", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> OnnxModel.load(text))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining(text.toString());
    }

    @Test
    void load_rejectsTruncatedFileAtEveryCut() throws Exception {
        byte[] bytes = Files.readAllBytes(savedFixture());
        for (double fraction : new double[] {0.1, 0.37, 0.5, 0.83, 0.99}) {
            Path cut = temp.resolve("cut-" + fraction + ".onnx");
            Files.write(cut, Arrays.copyOf(bytes, (int) (bytes.length * fraction)));

            assertThatThrownBy(() -> OnnxModel.load(cut))
                    .as("cut at %s", fraction)
                    .isInstanceOf(ModelFormatException.class).hasMessageContaining(cut.toString());
        }
    }

    @Test
    void load_rejectsMissingTokenizer() {
        Path model = savedFixture();
        Path tokenizer = temp.resolve("tokenizer.json");

        assertThatThrownBy(() -> OnnxModel.load(model, tokenizer))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("tokenizer file not found");
    }

    @Test
    void of_rejectsNodeReadingUndefinedTensorNamingIt() {
        ModelProto proto = new TinyTransformer().build();
        var graph = proto.getGraph().toBuilder();
        graph.setNode(5, graph.getNode(5).toBuilder().setInput(0, "ghost"));
        ModelProto broken = proto.toBuilder().setGraph(graph).build();

        assertThatThrownBy(() -> OnnxModel.of(broken, "broken"))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("'ghost'")
                .hasMessageContaining(graph.getNode(5).getName());
    }

    @Test
    void parameterCount_countsQuantizedWeightsOncePerWeightAndSkipsShapes() {
        ModelProto proto = new TinyTransformer().build();
        OnnxModel plain = OnnxModel.of(proto, "tiny");
        var graph = proto.getGraph().toBuilder()
                .addInitializer(raw("w_int8", TensorProto.DataType.INT8_VALUE, 24, 4, 6))
                .addInitializer(raw("zero_point", TensorProto.DataType.UINT8_VALUE, 1))
                .addInitializer(raw("shape", TensorProto.DataType.INT64_VALUE, 24, 3))
                .addInitializer(raw("scales_fp16", TensorProto.DataType.FLOAT16_VALUE, 10, 5))
                .addInitializer(raw("packed_b", TensorProto.DataType.UINT8_VALUE, 96, 6, 1, 16))
                .addNode(NodeProto.newBuilder().setOpType("MatMulNBits").setDomain("com.microsoft").setName("nbits")
                        .addInput(proto.getGraph().getInitializer(0).getName()).addInput("packed_b")
                        .addInput("scales_fp16")
                        .addOutput("nbits_out").addAttribute(Attributes.ofInt("bits", 4)));
        OnnxModel quantized = OnnxModel.of(proto.toBuilder().setGraph(graph).build(), "tiny-quantized");

        // By hand: 4 x 6 int8 weights, one uint8 zero point, 5 float16 scales, and 6 x 16 bytes of
        // 4-bit blocks holding two weights each; the int64 shape is no parameter.
        assertThat(quantized.parameterCount() - plain.parameterCount()).isEqualTo(24 + 1 + 5 + 2 * 96);
    }

    private static TensorProto raw(String name, int type, int bytes, long... dims) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(type)
                .setRawData(ByteString.copyFrom(new byte[bytes]));
        for (long dim : dims) {
            tensor.addDims(dim);
        }
        return tensor.build();
    }

    @Test
    void of_rejectsWeightWithWrongByteCount() {
        ModelProto proto = new TinyTransformer().build();
        var graph = proto.getGraph().toBuilder();
        int index = 0;
        TensorProto weight = graph.getInitializer(index);
        graph.setInitializer(index, weight.toBuilder().setRawData(weight.getRawData().substring(0, 12)));
        ModelProto broken = proto.toBuilder().setGraph(graph).build();

        assertThatThrownBy(() -> OnnxModel.of(broken, "broken"))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining(weight.getName());
    }

    @Test
    void structure_rejectsGraphWithoutTransformerStack() {
        NodeProto add = NodeProto.newBuilder().setOpType("Add").setName("just_add")
                .addInput("a").addInput("a").addOutput("b").build();
        ModelProto proto = ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17))
                .setGraph(ai.onnx.proto.OnnxMl.GraphProto.newBuilder().addNode(add)
                        .addInput(TinyTransformer.valueInfo("a", TensorProto.DataType.FLOAT_VALUE, "4"))
                        .addOutput(TinyTransformer.valueInfo("b", TensorProto.DataType.FLOAT_VALUE, "4")))
                .build();
        OnnxModel model = OnnxModel.of(proto, "adder");

        assertThatThrownBy(model::structure)
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("adder").hasMessageContaining("no attention Softmax");
        assertThatThrownBy(() -> Compressor.of(model).removeLayers(1).build())
                .isInstanceOf(UnsupportedModelException.class);
    }

    @Test
    void build_rejectsRemovingAllLayersOrOutOfRangeIndex() {
        OnnxModel model = OnnxModel.of(new TinyTransformer().build(), "tiny");

        assertThatThrownBy(() -> Compressor.of(model).removeLayers(4).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("removeLayers(4)");
        assertThatThrownBy(() -> Compressor.of(model).removeLayersAt(1, 4).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer index 4");
        assertThatThrownBy(() -> Compressor.of(model).removeLayersAt(0, 1, 2, 3).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("would leave no layer");
        assertThatThrownBy(() -> Compressor.of(model).removeLayersAt(2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("repeated");
        assertThatThrownBy(() -> Compressor.of(model).removeLayers(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }

    @Test
    void build_withCalibrationButNoTokenizerSaysWhatIsMissing() {
        OnnxModel model = OnnxModel.of(new TinyTransformer().build(), "tiny");

        assertThatThrownBy(() -> Compressor.of(model).removeLayers(1).calibrateWith(List.of("a text")).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tokenizer");
    }

    @Test
    void build_distillWithoutCalibrationSaysWhatIsMissing() {
        OnnxModel model = OnnxModel.of(new TinyTransformer().build(), "tiny");

        assertThatThrownBy(() -> Compressor.of(model).removeLayers(1).distillFrom(model).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("calibration data");
    }

    @Test
    void save_refusesToOverwriteTheSourceFile() throws Exception {
        Path source = savedFixture();
        byte[] before = Files.readAllBytes(source);
        OnnxModel model = OnnxModel.load(source);
        OnnxModel smaller = Compressor.of(model).removeLayers(1).build();

        assertThatThrownBy(() -> smaller.save(source))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refusing to overwrite");
        assertThatThrownBy(() -> model.save(temp.resolve("sub/../tiny.onnx")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Files.readAllBytes(source)).isEqualTo(before);
    }

    @Test
    void save_replacesOtherFileAtomicallyAndLeavesNoTemporaryFile() throws Exception {
        OnnxModel model = OnnxModel.load(savedFixture());
        Path target = Files.writeString(Files.createDirectories(temp.resolve("out")).resolve("model.onnx"), "old",
                StandardCharsets.UTF_8);

        Path written = Compressor.of(model).removeLayers(2).build().save(target);

        assertThat(OnnxModel.load(written).structure().layerCount()).isEqualTo(2);
        try (var files = Files.list(written.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model.onnx");
        }
    }

    @Test
    void load_readsExternalDataBesideTheModel() throws Exception {
        ModelProto proto = new TinyTransformer().build();
        Path folder = Files.createDirectories(temp.resolve("external"));
        var graph = proto.getGraph().toBuilder();
        long offset = 0;
        try (var data = Files.newOutputStream(folder.resolve("model.onnx.data"))) {
            for (int i = 0; i < graph.getInitializerCount(); i++) {
                TensorProto tensor = graph.getInitializer(i);
                if (tensor.getRawData().isEmpty()) {
                    continue;
                }
                data.write(tensor.getRawData().toByteArray());
                graph.setInitializer(i, tensor.toBuilder().clearRawData()
                        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(entry("location", "model.onnx.data"))
                        .addExternalData(entry("offset", String.valueOf(offset)))
                        .addExternalData(entry("length", String.valueOf(tensor.getRawData().size()))));
                offset += tensor.getRawData().size();
            }
        }
        Files.write(folder.resolve("model.onnx"), proto.toBuilder().setGraph(graph).build().toByteArray());

        OnnxModel external = OnnxModel.load(folder.resolve("model.onnx"));

        OnnxModel inline = OnnxModel.of(proto, "inline");
        assertThat(Runs.run(external, TinyTransformer.sampleInputs()).get("last_hidden_state")
                .maxAbsDifference(Runs.run(inline, TinyTransformer.sampleInputs()).get("last_hidden_state")))
                .isZero();
        Files.delete(folder.resolve("model.onnx.data"));
        assertThatThrownBy(() -> OnnxModel.load(folder.resolve("model.onnx")))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("model.onnx.data");
    }

    private static ai.onnx.proto.OnnxMl.StringStringEntryProto entry(String key, String value) {
        return ai.onnx.proto.OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
