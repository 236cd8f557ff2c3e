/**
 * MJCF models of Gymnasium's MuJoCo v5 tasks, written for this package from the published
 * bodies: the same kinematic trees, geom sizes and placements, masses (through densities and
 * `settotalmass`), joint ranges, armature, damping and stiffness, actuator gears and control
 * ranges, solver options and contact settings. Lights, textures, materials and cameras are left
 * out: they do not take part in the physics.
 *
 * The deprecated `coordinate="local"` and `<size nstack>` attributes of the originals are
 * omitted: local coordinates are MuJoCo's only mode, and the stack is sized automatically.
 */

/** HalfCheetah (Gymnasium `half_cheetah.xml`): 9 qpos, 9 qvel, 6 motors. */
export const HALF_CHEETAH_XML = `<mujoco model="half_cheetah">
  <compiler angle="radian" inertiafromgeom="true" settotalmass="14"/>
  <option timestep="0.01" gravity="0 0 -9.81"/>
  <default>
    <joint limited="true" armature="0.1" damping="0.01" stiffness="8" solreflimit="0.02 1" solimplimit="0 0.8 0.03"/>
    <geom contype="1" conaffinity="0" condim="3" friction="0.4 0.1 0.1" solref="0.02 1" solimp="0 0.8 0.01"/>
    <motor ctrllimited="true" ctrlrange="-1 1"/>
  </default>
  <worldbody>
    <geom name="floor" type="plane" size="40 40 40" conaffinity="1" condim="3"/>
    <body name="torso" pos="0 0 0.7">
      <joint name="rootx" type="slide" axis="1 0 0" limited="false" armature="0" damping="0" stiffness="0"/>
      <joint name="rootz" type="slide" axis="0 0 1" limited="false" armature="0" damping="0" stiffness="0"/>
      <joint name="rooty" type="hinge" axis="0 1 0" limited="false" armature="0" damping="0" stiffness="0"/>
      <geom name="torso" type="capsule" fromto="-0.5 0 0 0.5 0 0" size="0.046"/>
      <geom name="head" type="capsule" pos="0.6 0 0.1" axisangle="0 1 0 0.87" size="0.046 0.15"/>
      <body name="bthigh" pos="-0.5 0 0">
        <joint name="bthigh" type="hinge" axis="0 1 0" range="-0.52 1.05" stiffness="240" damping="6"/>
        <geom name="bthigh" type="capsule" pos="0.1 0 -0.13" axisangle="0 1 0 -3.8" size="0.046 0.145"/>
        <body name="bshin" pos="0.16 0 -0.25">
          <joint name="bshin" type="hinge" axis="0 1 0" range="-0.785 0.785" stiffness="180" damping="4.5"/>
          <geom name="bshin" type="capsule" pos="-0.14 0 -0.07" axisangle="0 1 0 -2.03" size="0.046 0.15"/>
          <body name="bfoot" pos="-0.28 0 -0.14">
            <joint name="bfoot" type="hinge" axis="0 1 0" range="-0.4 0.785" stiffness="120" damping="3"/>
            <geom name="bfoot" type="capsule" pos="0.03 0 -0.097" axisangle="0 1 0 -0.27" size="0.046 0.094"/>
          </body>
        </body>
      </body>
      <body name="fthigh" pos="0.5 0 0">
        <joint name="fthigh" type="hinge" axis="0 1 0" range="-1 0.7" stiffness="180" damping="4.5"/>
        <geom name="fthigh" type="capsule" pos="-0.07 0 -0.12" axisangle="0 1 0 0.52" size="0.046 0.133"/>
        <body name="fshin" pos="-0.14 0 -0.24">
          <joint name="fshin" type="hinge" axis="0 1 0" range="-1.2 0.87" stiffness="120" damping="3"/>
          <geom name="fshin" type="capsule" pos="0.065 0 -0.09" axisangle="0 1 0 -0.6" size="0.046 0.106"/>
          <body name="ffoot" pos="0.13 0 -0.18">
            <joint name="ffoot" type="hinge" axis="0 1 0" range="-0.5 0.5" stiffness="60" damping="1.5"/>
            <geom name="ffoot" type="capsule" pos="0.045 0 -0.07" axisangle="0 1 0 -0.6" size="0.046 0.07"/>
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="bthigh" joint="bthigh" gear="120"/>
    <motor name="bshin" joint="bshin" gear="90"/>
    <motor name="bfoot" joint="bfoot" gear="60"/>
    <motor name="fthigh" joint="fthigh" gear="120"/>
    <motor name="fshin" joint="fshin" gear="60"/>
    <motor name="ffoot" joint="ffoot" gear="30"/>
  </actuator>
</mujoco>
`;

/**
 * Hopper (Gymnasium `hopper_v5.xml`): 6 qpos, 6 qvel, 3 motors; RK4 at 2 ms. Lengths keep the
 * original's float values (e.g. 0.19999999999999996), so trajectories match it bit for bit.
 */
export const HOPPER_XML = `<mujoco model="hopper">
  <compiler angle="degree" inertiafromgeom="true"/>
  <option timestep="0.002" integrator="RK4"/>
  <default>
    <joint limited="true" armature="1" damping="1"/>
    <geom contype="1" conaffinity="1" condim="1" margin="0.001" solref="0.02 1" solimp="0.8 0.8 0.01"/>
    <motor ctrllimited="true" ctrlrange="-1 1"/>
  </default>
  <worldbody>
    <geom name="floor" type="plane" size="20 20 0.125" condim="3"/>
    <body name="torso" pos="0 0 1.25">
      <joint name="rootx" type="slide" pos="0 0 -1.25" axis="1 0 0" limited="false" armature="0" damping="0"/>
      <joint name="rootz" type="slide" pos="0 0 -1.25" axis="0 0 1" ref="1.25" limited="false" armature="0" damping="0"/>
      <joint name="rooty" type="hinge" pos="0 0 0" axis="0 1 0" limited="false" armature="0" damping="0"/>
      <geom name="torso_geom" type="capsule" size="0.05 0.19999999999999996" friction="0.9 0.005 0.0001"/>
      <body name="thigh" pos="0 0 -0.19999999999999996">
        <joint name="thigh_joint" type="hinge" pos="0 0 0" axis="0 -1 0" range="-150 0"/>
        <geom name="thigh_geom" type="capsule" pos="0 0 -0.22500000000000009" size="0.05 0.22500000000000003" friction="0.9 0.005 0.0001"/>
        <body name="leg" pos="0 0 -0.70000000000000007">
          <joint name="leg_joint" type="hinge" pos="0 0 0.25" axis="0 -1 0" range="-150 0"/>
          <geom name="leg_geom" type="capsule" size="0.04 0.25" friction="0.9 0.005 0.0001"/>
          <body name="foot" pos="0.13 0 -0.35">
            <joint name="foot_joint" type="hinge" pos="-0.13 0 0.1" axis="0 -1 0" range="-45 45"/>
            <geom name="foot_geom" type="capsule" pos="-0.065 0 0.1" quat="0.70710678118654757 0 -0.70710678118654746 0" size="0.06 0.195" friction="2 0.005 0.0001"/>
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="thigh" joint="thigh_joint" gear="200"/>
    <motor name="leg" joint="leg_joint" gear="200"/>
    <motor name="foot" joint="foot_joint" gear="200"/>
  </actuator>
</mujoco>
`;

/**
 * Walker2d (Gymnasium `walker2d_v5.xml`): 9 qpos, 9 qvel, 6 motors; RK4 at 2 ms; both feet
 * with friction 1.9 (v5's fix of v4's asymmetric 0.9 left foot). Lengths keep the original's float
 * values, so trajectories match it bit for bit.
 */
export const WALKER2D_XML = `<mujoco model="walker2d">
  <compiler angle="degree" inertiafromgeom="true"/>
  <option timestep="0.002" integrator="RK4"/>
  <default>
    <joint limited="true" armature="0.01" damping="0.1"/>
    <geom contype="1" conaffinity="0" condim="3" density="1000" friction="0.7 0.1 0.1"/>
    <motor ctrllimited="true" ctrlrange="-1 1"/>
  </default>
  <worldbody>
    <geom name="floor" type="plane" size="40 40 40" conaffinity="1" condim="3"/>
    <body name="torso" pos="0 0 1.25">
      <joint name="rootx" type="slide" pos="0 0 -1.25" axis="1 0 0" limited="false" armature="0" damping="0" stiffness="0"/>
      <joint name="rootz" type="slide" pos="0 0 -1.25" axis="0 0 1" ref="1.25" limited="false" armature="0" damping="0" stiffness="0"/>
      <joint name="rooty" type="hinge" pos="0 0 0" axis="0 1 0" limited="false" armature="0" damping="0" stiffness="0"/>
      <geom name="torso_geom" type="capsule" size="0.050000000000000003 0.19999999999999996" friction="0.9"/>
      <body name="thigh" pos="0 0 -0.19999999999999996">
        <joint name="thigh_joint" type="hinge" pos="0 0 0" axis="0 -1 0" range="-150 0"/>
        <geom name="thigh_geom" type="capsule" pos="0 0 -0.22500000000000009" size="0.050000000000000003 0.22500000000000003" friction="0.9"/>
        <body name="leg" pos="0 0 -0.70000000000000007">
          <joint name="leg_joint" type="hinge" pos="0 0 0.25" axis="0 -1 0" range="-150 0"/>
          <geom name="leg_geom" type="capsule" size="0.040000000000000001 0.25" friction="0.9"/>
          <body name="foot" pos="0.20000000000000001 0 -0.34999999999999998">
            <joint name="foot_joint" type="hinge" pos="-0.20000000000000001 0 0.10000000000000001" axis="0 -1 0" range="-45 45"/>
            <geom name="foot_geom" type="capsule" pos="-0.10000000000000001 0 0.10000000000000001" quat="0.70710678118654757 0 -0.70710678118654746 0" size="0.059999999999999998 0.10000000000000001" friction="1.9"/>
          </body>
        </body>
      </body>
      <body name="thigh_left" pos="0 0 -0.19999999999999996">
        <joint name="thigh_left_joint" type="hinge" pos="0 0 0" axis="0 -1 0" range="-150 0"/>
        <geom name="thigh_left_geom" type="capsule" pos="0 0 -0.22500000000000009" size="0.050000000000000003 0.22500000000000003" friction="0.9"/>
        <body name="leg_left" pos="0 0 -0.70000000000000007">
          <joint name="leg_left_joint" type="hinge" pos="0 0 0.25" axis="0 -1 0" range="-150 0"/>
          <geom name="leg_left_geom" type="capsule" size="0.040000000000000001 0.25" friction="0.9"/>
          <body name="foot_left" pos="0.20000000000000001 0 -0.34999999999999998">
            <joint name="foot_left_joint" type="hinge" pos="-0.20000000000000001 0 0.10000000000000001" axis="0 -1 0" range="-45 45"/>
            <geom name="foot_left_geom" type="capsule" pos="-0.10000000000000001 0 0.10000000000000001" quat="0.70710678118654757 0 -0.70710678118654746 0" size="0.059999999999999998 0.10000000000000001" friction="1.9"/>
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="thigh" joint="thigh_joint" gear="100"/>
    <motor name="leg" joint="leg_joint" gear="100"/>
    <motor name="foot" joint="foot_joint" gear="100"/>
    <motor name="thigh_left" joint="thigh_left_joint" gear="100"/>
    <motor name="leg_left" joint="leg_left_joint" gear="100"/>
    <motor name="foot_left" joint="foot_left_joint" gear="100"/>
  </actuator>
</mujoco>
`;

/** Swimmer (Gymnasium `swimmer.xml`): 5 qpos, 5 qvel, 2 motors; viscous fluid, RK4 at 10 ms. */
export const SWIMMER_XML = `<mujoco model="swimmer">
  <compiler angle="degree" inertiafromgeom="true"/>
  <option timestep="0.01" integrator="RK4" density="4000" viscosity="0.1"/>
  <default>
    <joint armature="0.1"/>
    <geom contype="0" conaffinity="0" condim="1"/>
    <motor ctrllimited="true" ctrlrange="-1 1"/>
  </default>
  <worldbody>
    <geom name="floor" type="plane" pos="0 0 -0.1" size="40 40 0.1" condim="3"/>
    <body name="torso" pos="0 0 0">
      <geom type="capsule" fromto="1.5 0 0 0.5 0 0" size="0.1" density="1000"/>
      <joint name="slider1" type="slide" pos="0 0 0" axis="1 0 0"/>
      <joint name="slider2" type="slide" pos="0 0 0" axis="0 1 0"/>
      <joint name="free_body_rot" type="hinge" pos="0 0 0" axis="0 0 1"/>
      <body name="mid" pos="0.5 0 0">
        <geom type="capsule" fromto="0 0 0 -1 0 0" size="0.1" density="1000"/>
        <joint name="motor1_rot" type="hinge" pos="0 0 0" axis="0 0 1" limited="true" range="-100 100"/>
        <body name="back" pos="-1 0 0">
          <geom type="capsule" fromto="0 0 0 -1 0 0" size="0.1" density="1000"/>
          <joint name="motor2_rot" type="hinge" pos="0 0 0" axis="0 0 1" limited="true" range="-100 100"/>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor joint="motor1_rot" gear="150"/>
    <motor joint="motor2_rot" gear="150"/>
  </actuator>
</mujoco>
`;

/**
 * InvertedPendulum (Gymnasium `inverted_pendulum.xml`): cart and pole, 2 qpos, 2 qvel, one motor
 * with control range [-3, 3]; RK4 at 20 ms.
 */
export const INVERTED_PENDULUM_XML = `<mujoco model="inverted_pendulum">
  <compiler angle="degree" inertiafromgeom="true"/>
  <option timestep="0.02" integrator="RK4" gravity="0 0 -9.81"/>
  <default>
    <joint limited="true" armature="0" damping="1"/>
    <geom contype="0" friction="1 0.1 0.1"/>
    <motor ctrlrange="-3 3"/>
  </default>
  <worldbody>
    <geom name="rail" type="capsule" pos="0 0 0" quat="0.707 0 0.707 0" size="0.02 1"/>
    <body name="cart" pos="0 0 0">
      <joint name="slider" type="slide" pos="0 0 0" axis="1 0 0" range="-1 1"/>
      <geom name="cart" type="capsule" pos="0 0 0" quat="0.707 0 0.707 0" size="0.1 0.1"/>
      <body name="pole" pos="0 0 0">
        <joint name="hinge" type="hinge" pos="0 0 0" axis="0 1 0" range="-90 90"/>
        <geom name="cpole" type="capsule" fromto="0 0 0 0.001 0 0.6" size="0.049 0.3"/>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="slide" joint="slider" gear="100" ctrllimited="true" ctrlrange="-3 3"/>
  </actuator>
</mujoco>
`;

/**
 * InvertedDoublePendulum (Gymnasium `inverted_double_pendulum.xml`): cart and two poles, 3 qpos,
 * 3 qvel, one motor; the `tip` site is the first site. RK4 at 10 ms; gravity has Gymnasium's tiny
 * x component.
 */
export const INVERTED_DOUBLE_PENDULUM_XML = `<mujoco model="inverted_double_pendulum">
  <compiler angle="degree" inertiafromgeom="true"/>
  <option timestep="0.01" integrator="RK4" gravity="1e-5 0 -9.81"/>
  <default>
    <joint damping="0.05"/>
    <geom contype="0" friction="1 0.1 0.1"/>
  </default>
  <worldbody>
    <geom name="floor" type="plane" pos="0 0 -3" size="40 40 40"/>
    <geom name="rail" type="capsule" pos="0 0 0" quat="0.707 0 0.707 0" size="0.02 1"/>
    <body name="cart" pos="0 0 0">
      <joint name="slider" type="slide" pos="0 0 0" axis="1 0 0" limited="true" range="-1 1" margin="0.01"/>
      <geom name="cart" type="capsule" pos="0 0 0" quat="0.707 0 0.707 0" size="0.1 0.1"/>
      <body name="pole" pos="0 0 0">
        <joint name="hinge" type="hinge" pos="0 0 0" axis="0 1 0"/>
        <geom name="cpole" type="capsule" fromto="0 0 0 0 0 0.6" size="0.045 0.3"/>
        <body name="pole2" pos="0 0 0.6">
          <joint name="hinge2" type="hinge" pos="0 0 0" axis="0 1 0"/>
          <geom name="cpole2" type="capsule" fromto="0 0 0 0 0 0.6" size="0.045 0.3"/>
          <site name="tip" pos="0 0 0.6" size="0.01 0.01"/>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="slide" joint="slider" gear="500" ctrllimited="true" ctrlrange="-1 1"/>
  </actuator>
</mujoco>
`;

/**
 * Reacher (Gymnasium `reacher.xml`): a two-link arm (joints 0 and 1) and a target on two slide
 * joints; 4 qpos, 4 qvel, 2 motors; RK4 at 10 ms.
 */
export const REACHER_XML = `<mujoco model="reacher">
  <compiler angle="radian" inertiafromgeom="true"/>
  <option timestep="0.01" integrator="RK4" gravity="0 0 -9.81"/>
  <default>
    <joint limited="true" armature="1" damping="1"/>
    <geom contype="0" friction="1 0.1 0.1"/>
    <motor ctrllimited="true" ctrlrange="-1 1"/>
  </default>
  <worldbody>
    <geom name="ground" type="plane" pos="0 0 0" size="1 1 10" contype="0" conaffinity="0"/>
    <geom name="sideS" type="capsule" fromto="-0.3 -0.3 0.01 0.3 -0.3 0.01" size="0.02" conaffinity="0"/>
    <geom name="sideE" type="capsule" fromto="0.3 -0.3 0.01 0.3 0.3 0.01" size="0.02" conaffinity="0"/>
    <geom name="sideN" type="capsule" fromto="-0.3 0.3 0.01 0.3 0.3 0.01" size="0.02" conaffinity="0"/>
    <geom name="sideW" type="capsule" fromto="-0.3 -0.3 0.01 -0.3 0.3 0.01" size="0.02" conaffinity="0"/>
    <geom name="root" type="cylinder" fromto="0 0 0 0 0 0.02" size="0.011" contype="0" conaffinity="0"/>
    <body name="body0" pos="0 0 0.01">
      <geom name="link0" type="capsule" fromto="0 0 0 0.1 0 0" size="0.01"/>
      <joint name="joint0" type="hinge" pos="0 0 0" axis="0 0 1" limited="false"/>
      <body name="body1" pos="0.1 0 0">
        <joint name="joint1" type="hinge" pos="0 0 0" axis="0 0 1" range="-3 3"/>
        <geom name="link1" type="capsule" fromto="0 0 0 0.1 0 0" size="0.01"/>
        <body name="fingertip" pos="0.11 0 0">
          <geom name="fingertip" type="sphere" pos="0 0 0" size="0.01" contype="0"/>
        </body>
      </body>
    </body>
    <body name="target" pos="0.1 -0.1 0.01">
      <joint name="target_x" type="slide" pos="0 0 0" axis="1 0 0" range="-0.27 0.27" ref="0.1" armature="0" damping="0" stiffness="0"/>
      <joint name="target_y" type="slide" pos="0 0 0" axis="0 1 0" range="-0.27 0.27" ref="-0.1" armature="0" damping="0" stiffness="0"/>
      <geom name="target" type="sphere" pos="0 0 0" size="0.009" contype="0" conaffinity="0"/>
    </body>
  </worldbody>
  <actuator>
    <motor joint="joint0" gear="200"/>
    <motor joint="joint1" gear="200"/>
  </actuator>
</mujoco>
`;

/**
 * Ant (Gymnasium `ant.xml`): a free-floating torso with four two-joint legs; 15 qpos (free joint
 * 7 + 8 hinges), 14 qvel, 8 motors; RK4 at 10 ms; contact margin 0.01. The reference
 * configuration is MuJoCo's `qpos0` (torso at height 0.75, all hinges at 0), as Gymnasium uses.
 */
export const ANT_XML = `<mujoco model="ant">
  <compiler angle="degree" inertiafromgeom="true"/>
  <option timestep="0.01" integrator="RK4"/>
  <default>
    <joint limited="true" armature="1" damping="1"/>
    <geom conaffinity="0" condim="3" density="5" friction="1 0.5 0.5" margin="0.01"/>
    <motor ctrllimited="true" ctrlrange="-1 1"/>
  </default>
  <worldbody>
    <geom name="floor" type="plane" pos="0 0 0" size="40 40 40" conaffinity="1" condim="3"/>
    <body name="torso" pos="0 0 0.75">
      <geom name="torso_geom" type="sphere" pos="0 0 0" size="0.25"/>
      <joint name="root" type="free" pos="0 0 0" limited="false" armature="0" damping="0" margin="0.01"/>
      <body name="front_left_leg" pos="0 0 0">
        <geom name="aux_1_geom" type="capsule" fromto="0 0 0 0.2 0.2 0" size="0.08"/>
        <body name="aux_1" pos="0.2 0.2 0">
          <joint name="hip_1" type="hinge" pos="0 0 0" axis="0 0 1" range="-30 30"/>
          <geom name="left_leg_geom" type="capsule" fromto="0 0 0 0.2 0.2 0" size="0.08"/>
          <body pos="0.2 0.2 0">
            <joint name="ankle_1" type="hinge" pos="0 0 0" axis="-1 1 0" range="30 70"/>
            <geom name="left_ankle_geom" type="capsule" fromto="0 0 0 0.4 0.4 0" size="0.08"/>
          </body>
        </body>
      </body>
      <body name="front_right_leg" pos="0 0 0">
        <geom name="aux_2_geom" type="capsule" fromto="0 0 0 -0.2 0.2 0" size="0.08"/>
        <body name="aux_2" pos="-0.2 0.2 0">
          <joint name="hip_2" type="hinge" pos="0 0 0" axis="0 0 1" range="-30 30"/>
          <geom name="right_leg_geom" type="capsule" fromto="0 0 0 -0.2 0.2 0" size="0.08"/>
          <body pos="-0.2 0.2 0">
            <joint name="ankle_2" type="hinge" pos="0 0 0" axis="1 1 0" range="-70 -30"/>
            <geom name="right_ankle_geom" type="capsule" fromto="0 0 0 -0.4 0.4 0" size="0.08"/>
          </body>
        </body>
      </body>
      <body name="back_leg" pos="0 0 0">
        <geom name="aux_3_geom" type="capsule" fromto="0 0 0 -0.2 -0.2 0" size="0.08"/>
        <body name="aux_3" pos="-0.2 -0.2 0">
          <joint name="hip_3" type="hinge" pos="0 0 0" axis="0 0 1" range="-30 30"/>
          <geom name="back_leg_geom" type="capsule" fromto="0 0 0 -0.2 -0.2 0" size="0.08"/>
          <body pos="-0.2 -0.2 0">
            <joint name="ankle_3" type="hinge" pos="0 0 0" axis="-1 1 0" range="-70 -30"/>
            <geom name="third_ankle_geom" type="capsule" fromto="0 0 0 -0.4 -0.4 0" size="0.08"/>
          </body>
        </body>
      </body>
      <body name="right_back_leg" pos="0 0 0">
        <geom name="aux_4_geom" type="capsule" fromto="0 0 0 0.2 -0.2 0" size="0.08"/>
        <body name="aux_4" pos="0.2 -0.2 0">
          <joint name="hip_4" type="hinge" pos="0 0 0" axis="0 0 1" range="-30 30"/>
          <geom name="rightback_leg_geom" type="capsule" fromto="0 0 0 0.2 -0.2 0" size="0.08"/>
          <body pos="0.2 -0.2 0">
            <joint name="ankle_4" type="hinge" pos="0 0 0" axis="1 1 0" range="30 70"/>
            <geom name="fourth_ankle_geom" type="capsule" fromto="0 0 0 0.4 -0.4 0" size="0.08"/>
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor joint="hip_4" gear="150"/>
    <motor joint="ankle_4" gear="150"/>
    <motor joint="hip_1" gear="150"/>
    <motor joint="ankle_1" gear="150"/>
    <motor joint="hip_2" gear="150"/>
    <motor joint="ankle_2" gear="150"/>
    <motor joint="hip_3" gear="150"/>
    <motor joint="ankle_3" gear="150"/>
  </actuator>
</mujoco>
`;

/**
 * Humanoid (Gymnasium `humanoid.xml`): a 3D biped with a free torso, 24 qpos, 23 qvel, 17 motors
 * with control range [-0.4, 0.4]; RK4 at 3 ms with the Newton solver (50 iterations); contact
 * margin 0.001; the two hip-knee fixed tendons of the original (they carry no force).
 */
export const HUMANOID_XML = `<mujoco model="humanoid">
  <compiler angle="degree" inertiafromgeom="true"/>
  <option timestep="0.003" integrator="RK4" solver="Newton" iterations="50"/>
  <default>
    <joint limited="true" armature="1" damping="1"/>
    <geom contype="1" conaffinity="1" condim="1" margin="0.001"/>
    <motor ctrllimited="true" ctrlrange="-0.4 0.4"/>
  </default>
  <worldbody>
    <geom name="floor" type="plane" pos="0 0 0" size="20 20 0.125" condim="3" friction="1 0.1 0.1"/>
    <body name="torso" pos="0 0 1.4">
      <joint name="root" type="free" pos="0 0 0" limited="false" armature="0" damping="0" stiffness="0"/>
      <geom name="torso1" type="capsule" fromto="0 -0.07 0 0 0.07 0" size="0.07"/>
      <geom name="head" type="sphere" pos="0 0 0.19" size="0.09"/>
      <geom name="uwaist" type="capsule" fromto="-0.01 -0.06 -0.12 -0.01 0.06 -0.12" size="0.06"/>
      <body name="lwaist" pos="-0.01 0 -0.26" quat="1 0 -0.002 0">
        <geom name="lwaist" type="capsule" fromto="0 -0.06 0 0 0.06 0" size="0.06"/>
        <joint name="abdomen_z" type="hinge" pos="0 0 0.065" axis="0 0 1" range="-45 45" armature="0.02" damping="5" stiffness="20"/>
        <joint name="abdomen_y" type="hinge" pos="0 0 0.065" axis="0 1 0" range="-75 30" armature="0.02" damping="5" stiffness="10"/>
        <body name="pelvis" pos="0 0 -0.165" quat="1 0 -0.002 0">
          <joint name="abdomen_x" type="hinge" pos="0 0 0.1" axis="1 0 0" range="-35 35" armature="0.02" damping="5" stiffness="10"/>
          <geom name="butt" type="capsule" fromto="-0.02 -0.07 0 -0.02 0.07 0" size="0.09"/>
          <body name="right_thigh" pos="0 -0.1 -0.04">
            <joint name="right_hip_x" type="hinge" pos="0 0 0" axis="1 0 0" range="-25 5" armature="0.01" damping="5" stiffness="10"/>
            <joint name="right_hip_z" type="hinge" pos="0 0 0" axis="0 0 1" range="-60 35" armature="0.01" damping="5" stiffness="10"/>
            <joint name="right_hip_y" type="hinge" pos="0 0 0" axis="0 1 0" range="-110 20" armature="0.008" damping="5" stiffness="20"/>
            <geom name="right_thigh1" type="capsule" fromto="0 0 0 0 0.01 -0.34" size="0.06"/>
            <body name="right_shin" pos="0 0.01 -0.403">
              <joint name="right_knee" type="hinge" pos="0 0 0.02" axis="0 -1 0" range="-160 -2" armature="0.006"/>
              <geom name="right_shin1" type="capsule" fromto="0 0 0 0 0 -0.3" size="0.049"/>
              <body name="right_foot" pos="0 0 -0.45">
                <geom name="right_foot" type="sphere" pos="0 0 0.1" size="0.075"/>
              </body>
            </body>
          </body>
          <body name="left_thigh" pos="0 0.1 -0.04">
            <joint name="left_hip_x" type="hinge" pos="0 0 0" axis="-1 0 0" range="-25 5" armature="0.01" damping="5" stiffness="10"/>
            <joint name="left_hip_z" type="hinge" pos="0 0 0" axis="0 0 -1" range="-60 35" armature="0.01" damping="5" stiffness="10"/>
            <joint name="left_hip_y" type="hinge" pos="0 0 0" axis="0 1 0" range="-110 20" armature="0.01" damping="5" stiffness="20"/>
            <geom name="left_thigh1" type="capsule" fromto="0 0 0 0 -0.01 -0.34" size="0.06"/>
            <body name="left_shin" pos="0 -0.01 -0.403">
              <joint name="left_knee" type="hinge" pos="0 0 0.02" axis="0 -1 0" range="-160 -2" armature="0.006" stiffness="1"/>
              <geom name="left_shin1" type="capsule" fromto="0 0 0 0 0 -0.3" size="0.049"/>
              <body name="left_foot" pos="0 0 -0.45">
                <geom name="left_foot" type="sphere" pos="0 0 0.1" size="0.075"/>
              </body>
            </body>
          </body>
        </body>
      </body>
      <body name="right_upper_arm" pos="0 -0.17 0.06">
        <joint name="right_shoulder1" type="hinge" pos="0 0 0" axis="2 1 1" range="-85 60" armature="0.0068" stiffness="1"/>
        <joint name="right_shoulder2" type="hinge" pos="0 0 0" axis="0 -1 1" range="-85 60" armature="0.0051" stiffness="1"/>
        <geom name="right_uarm1" type="capsule" fromto="0 0 0 0.16 -0.16 -0.16" size="0.04 0.16"/>
        <body name="right_lower_arm" pos="0.18 -0.18 -0.18">
          <joint name="right_elbow" type="hinge" pos="0 0 0" axis="0 -1 1" range="-90 50" armature="0.0028" stiffness="0"/>
          <geom name="right_larm" type="capsule" fromto="0.01 0.01 0.01 0.17 0.17 0.17" size="0.031"/>
          <geom name="right_hand" type="sphere" pos="0.18 0.18 0.18" size="0.04"/>
        </body>
      </body>
      <body name="left_upper_arm" pos="0 0.17 0.06">
        <joint name="left_shoulder1" type="hinge" pos="0 0 0" axis="2 -1 1" range="-60 85" armature="0.0068" stiffness="1"/>
        <joint name="left_shoulder2" type="hinge" pos="0 0 0" axis="0 1 1" range="-60 85" armature="0.0051" stiffness="1"/>
        <geom name="left_uarm1" type="capsule" fromto="0 0 0 0.16 0.16 -0.16" size="0.04 0.16"/>
        <body name="left_lower_arm" pos="0.18 0.18 -0.18">
          <joint name="left_elbow" type="hinge" pos="0 0 0" axis="0 -1 -1" range="-90 50" armature="0.0028" stiffness="0"/>
          <geom name="left_larm" type="capsule" fromto="0.01 -0.01 0.01 0.17 -0.17 0.17" size="0.031"/>
          <geom name="left_hand" type="sphere" pos="0.18 -0.18 0.18" size="0.04"/>
        </body>
      </body>
    </body>
  </worldbody>
  <tendon>
    <fixed name="left_hipknee">
      <joint joint="left_hip_y" coef="-1"/>
      <joint joint="left_knee" coef="1"/>
    </fixed>
    <fixed name="right_hipknee">
      <joint joint="right_hip_y" coef="-1"/>
      <joint joint="right_knee" coef="1"/>
    </fixed>
  </tendon>
  <actuator>
    <motor name="abdomen_y" joint="abdomen_y" gear="100"/>
    <motor name="abdomen_z" joint="abdomen_z" gear="100"/>
    <motor name="abdomen_x" joint="abdomen_x" gear="100"/>
    <motor name="right_hip_x" joint="right_hip_x" gear="100"/>
    <motor name="right_hip_z" joint="right_hip_z" gear="100"/>
    <motor name="right_hip_y" joint="right_hip_y" gear="300"/>
    <motor name="right_knee" joint="right_knee" gear="200"/>
    <motor name="left_hip_x" joint="left_hip_x" gear="100"/>
    <motor name="left_hip_z" joint="left_hip_z" gear="100"/>
    <motor name="left_hip_y" joint="left_hip_y" gear="300"/>
    <motor name="left_knee" joint="left_knee" gear="200"/>
    <motor name="right_shoulder1" joint="right_shoulder1" gear="25"/>
    <motor name="right_shoulder2" joint="right_shoulder2" gear="25"/>
    <motor name="right_elbow" joint="right_elbow" gear="25"/>
    <motor name="left_shoulder1" joint="left_shoulder1" gear="25"/>
    <motor name="left_shoulder2" joint="left_shoulder2" gear="25"/>
    <motor name="left_elbow" joint="left_elbow" gear="25"/>
  </actuator>
</mujoco>
`;
