package io.greenai.core.data;

import io.greenai.core.DatasetFormatException;
import java.util.ArrayList;
import java.util.List;

/** A small RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks. */
final class Csv {

    /** One record and the line it starts on (from 1). */
    record Record(List<String> fields, int line) {
    }

    private Csv() {
    }

    static List<Record> read(String text, String source) {
        List<Record> records = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int line = 1;
        int recordLine = 1;
        boolean quoted = false;
        boolean fieldStarted = false;
        int quoteLine = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    if (fieldStarted && field.length() > 0) {
                        throw new DatasetFormatException(source + ":" + line
                                + ": a quote inside an unquoted field; quote the whole field and double the quote");
                    }
                    quoted = true;
                    fieldStarted = true;
                    quoteLine = line;
                }
                case ',' -> {
                    fields.add(field.toString());
                    field.setLength(0);
                    fieldStarted = false;
                }
                case '\r' -> {
                    // dropped: \r\n ends a record at the \n
                }
                case '\n' -> {
                    fields.add(field.toString());
                    records.add(new Record(List.copyOf(fields), recordLine));
                    fields.clear();
                    field.setLength(0);
                    fieldStarted = false;
                    line++;
                    recordLine = line;
                }
                default -> {
                    field.append(c);
                    fieldStarted = true;
                }
            }
        }
        if (quoted) {
            throw new DatasetFormatException(source + ":" + quoteLine + ": a quoted field is never closed");
        }
        if (fieldStarted || field.length() > 0 || !fields.isEmpty()) {
            fields.add(field.toString());
            records.add(new Record(List.copyOf(fields), recordLine));
        }
        return records;
    }
}
