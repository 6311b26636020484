{
  "variables": {
    "dnnl_include%": "",
    "dnnl_libdir%": ""
  },
  "targets": [
    {
      "target_name": "onednn",
      "sources": [
        "native/addon.cc",
        "native/runtime.cc",
        "native/precision.cc",
        "native/conv2d.cc",
        "native/pool2d.cc",
        "native/matmul.cc",
        "native/binary.cc",
        "native/reduce.cc",
        "native/eltwise.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")"
      ],
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except_all"
      ],
      "cflags_cc": [
        "-std=c++17",
        "-O3",
        "-fopenmp",
        "-Wall",
        "-Wextra",
        "-Wno-unused-parameter"
      ],
      "ldflags": [
        "-fopenmp"
      ],
      "libraries": [
        "-ldnnl"
      ],
      "conditions": [
        [
          "dnnl_include!=\"\"",
          {
            "include_dirs": [
              "<(dnnl_include)"
            ]
          }
        ],
        [
          "dnnl_libdir!=\"\"",
          {
            "libraries": [
              "-L<(dnnl_libdir)",
              "-Wl,-rpath,<(dnnl_libdir)"
            ]
          }
        ]
      ]
    }
  ]
}
