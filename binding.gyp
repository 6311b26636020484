{
  "variables": {
    "dnnl_include%": "",
    "dnnl_libdir%": ""
  },
  "targets": [
    {
      "target_name": "onednn",
      # every native/*.cc is a source, so a new kernel file needs no line here
      "sources": [
        "<!@(node -p \"require('fs').readdirSync('native').filter((f) => f.endsWith('.cc')).sort().map((f) => 'native/' + f).join(' ')\")"
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
        # arithmetic as written (no fused multiply-add): a kernel with a JS version gives the same bits
        "-ffp-contract=off",
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
