package io.greenai.onnx.graph;

/** How a layer's attention is written in the graph. */
public enum AttentionKind {
    /** Plain operators: a query-key MatMul, a Softmax, and a MatMul with the values. */
    PLAIN,
    /**
     * ONNX Runtime's fused {@code com.microsoft.Attention}: one packed query/key/value weight and bias,
     * the head count in its {@code num_heads} attribute, one {@code past}/{@code present} cache.
     */
    ORT_ATTENTION,
    /**
     * ONNX Runtime's {@code com.microsoft.MultiHeadAttention}: separate query, key and value
     * projections (rotary embeddings may sit between them and the node), separate key and value caches.
     */
    ORT_MULTI_HEAD,
    /**
     * ONNX Runtime's {@code com.microsoft.GroupQueryAttention}: like multi-head, with fewer key/value
     * heads ({@code kv_num_heads}) each serving a group of query heads; projections separate or packed.
     */
    ORT_GROUP_QUERY
}
