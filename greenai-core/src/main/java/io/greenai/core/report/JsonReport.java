package io.greenai.core.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.greenai.core.GreenAiException;
import io.greenai.core.eval.EvaluationReport;
import io.greenai.core.eval.Metric;
import io.greenai.core.eval.VariantResult;
import java.util.ArrayList;
import java.util.List;

/** {@code report.json}: written and read field by field, so NaN becomes null and the layout is stable. */
final class JsonReport {

    static final int FORMAT = 1;

    private JsonReport() {
    }

    static String render(EvaluationReport report) {
        JsonObject root = new JsonObject();
        root.addProperty("format", FORMAT);
        root.addProperty("model", report.model());
        root.addProperty("dataset", report.dataset());
        root.addProperty("task", report.task());
        root.addProperty("metric", report.metric().name());
        root.addProperty("evalExamples", report.evalExamples());
        root.addProperty("trainExamples", report.trainExamples());
        root.addProperty("head", report.head());
        JsonObject energy = new JsonObject();
        energy.addProperty("meter", report.energyMeter());
        energy.addProperty("method", report.energyMethod());
        energy.addProperty("measured", report.energyMeasured());
        energy.addProperty("explanation", report.meterExplanation());
        energy.addProperty("carbonIntensityGramsPerKwh", report.carbonIntensity());
        root.add("energy", energy);
        root.addProperty("machine", report.machine());
        root.addProperty("settings", report.settings());
        JsonArray variants = new JsonArray();
        for (VariantResult v : report.variants()) {
            JsonObject o = new JsonObject();
            o.addProperty("name", v.name());
            o.addProperty("plan", v.plan());
            o.addProperty("status", v.status().name());
            o.addProperty("note", v.note());
            number(o, "accuracy", v.accuracy());
            number(o, "taskMetric", v.taskMetric());
            number(o, "agreement", v.agreement());
            number(o, "relativeAccuracy", report.relativeAccuracy(v));
            number(o, "relativeEmission", report.relativeEmission(v));
            number(o, "latencyMillis", v.latencyMillis());
            number(o, "joulesPerInference", v.joulesPerInference());
            number(o, "gramsCo2ePerInference", v.gramsCo2ePerInference());
            o.addProperty("sizeBytes", v.sizeBytes());
            o.addProperty("parameters", v.parameters());
            o.addProperty("layers", v.layers());
            number(o, "compressSeconds", v.compressSeconds());
            variants.add(o);
        }
        root.add("variants", variants);
        return new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create().toJson(root) + "\n";
    }

    private static void number(JsonObject object, String key, double value) {
        if (Double.isFinite(value)) {
            object.addProperty(key, value);
        } else {
            object.add(key, com.google.gson.JsonNull.INSTANCE);
        }
    }

    static EvaluationReport parse(String text, String source) {
        try {
            JsonObject root = JsonParser.parseString(text).getAsJsonObject();
            JsonObject energy = root.getAsJsonObject("energy");
            List<VariantResult> variants = new ArrayList<>();
            for (JsonElement element : root.getAsJsonArray("variants")) {
                JsonObject o = element.getAsJsonObject();
                variants.add(new VariantResult(o.get("name").getAsString(), o.get("plan").getAsString(),
                        VariantResult.Status.valueOf(o.get("status").getAsString()), o.get("note").getAsString(),
                        number(o, "accuracy"), number(o, "taskMetric"), number(o, "agreement"),
                        number(o, "latencyMillis"), number(o, "joulesPerInference"),
                        number(o, "gramsCo2ePerInference"), o.get("sizeBytes").getAsLong(),
                        o.get("parameters").getAsLong(), o.get("layers").getAsInt(), number(o, "compressSeconds")));
            }
            return new EvaluationReport(root.get("model").getAsString(), root.get("dataset").getAsString(),
                    root.get("task").getAsString(), Metric.valueOf(root.get("metric").getAsString()),
                    root.get("evalExamples").getAsInt(), root.get("trainExamples").getAsInt(),
                    root.get("head").getAsString(), energy.get("meter").getAsString(),
                    energy.get("measured").getAsBoolean(), energy.get("explanation").getAsString(),
                    energy.get("carbonIntensityGramsPerKwh").getAsDouble(), root.get("machine").getAsString(),
                    root.get("settings").getAsString(), variants);
        } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException
                | IllegalArgumentException e) {
            throw new GreenAiException("not a GreenAI report (format " + FORMAT + "): " + source + ": " + e.getMessage(),
                    e);
        }
    }

    private static double number(JsonObject object, String key) {
        JsonElement value = object.get(key);
        return value == null || value.isJsonNull() ? Double.NaN : value.getAsDouble();
    }
}
